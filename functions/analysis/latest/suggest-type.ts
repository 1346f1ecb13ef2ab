import { logger } from '../../shared/logger';
import { classifyText, type TextClassifierModel } from '../classifier/model';
import { modelFromBytes } from '../classifier/model-bytes';
import { needText } from '../classifier/tokenize';
import { RESULT } from '../runs/keys';
import { readLatest, readResult } from './read-latest';

/** What a need created without a type is told: the latest classifier's guess and how sure it is. */
export interface SuggestedType {
  type: string;
  /** The model's probability of that type, 0–1 (three decimals). */
  confidence: number;
  /** The run that trained the model. */
  runId: string;
}

interface LatestModel {
  runId: string;
  model: TextClassifierModel;
}

/**
 * Each tenant's latest model, kept by this container for a few minutes: a batch of needs, or a
 * burst of creates, costs one read of the latest pointer, and the model itself (up to 300 KB,
 * some 40 read units) is read again only when the pointer names another run. At most
 * MAX_TENANTS models are held (the oldest looked-up goes first), so memory stays bounded.
 */
const CACHE_MS = 5 * 60_000;
const MAX_TENANTS = 20;
const cache = new Map<string, { at: number; latest: Promise<LatestModel | undefined> }>();

/** The type the tenant's latest classifier suggests for a need's text; undefined without a model. */
export async function suggestType(
  tenantId: string,
  need: { title: string; description?: string },
  now = Date.now(),
): Promise<SuggestedType | undefined> {
  let latest: LatestModel | undefined;
  try {
    latest = await latestModel(tenantId, now);
  } catch (error) {
    // A suggestion is a courtesy: a need is never refused because its model could not be read.
    logger.warn('no type suggestion: the latest classifier could not be read', { error: error as Error });
    return undefined;
  }
  if (!latest) return undefined;
  const { label, confidence } = classifyText(latest.model, needText(need));
  return { type: label, confidence: Math.round(confidence * 1000) / 1000, runId: latest.runId };
}

function latestModel(tenantId: string, now: number): Promise<LatestModel | undefined> {
  const cached = cache.get(tenantId);
  if (cached && now - cached.at < CACHE_MS) return cached.latest;
  const latest = load(tenantId, cached?.latest);
  // Re-inserted: the map's order is the order of looking up, oldest first.
  cache.delete(tenantId);
  cache.set(tenantId, { at: now, latest });
  if (cache.size > MAX_TENANTS) cache.delete(cache.keys().next().value as string);
  // A failed read is not kept: the next need tries again.
  latest.catch(() => {
    if (cache.get(tenantId)?.latest === latest) cache.delete(tenantId);
  });
  return latest;
}

async function load(
  tenantId: string,
  previous: Promise<LatestModel | undefined> | undefined,
): Promise<LatestModel | undefined> {
  const pointer = await readLatest(tenantId, 'classifier');
  if (!pointer) return undefined;
  const known = await previous?.catch(() => undefined);
  if (known?.runId === pointer.runId) return known;
  const item = await readResult(tenantId, pointer.runId, RESULT.classifier, ['model']);
  const bytes = item?.model;
  if (!(bytes instanceof Uint8Array)) return undefined;
  return { runId: pointer.runId, model: modelFromBytes(bytes) };
}

/** For tests: forget every cached model. */
export const forgetModels = () => cache.clear();
