import assert from 'node:assert/strict';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeEach, describe, it } from 'vitest';
import { createTestTables } from '../support/database';
import { type InvokeOptions, invoke, principal } from '../support/invoke';
import { requestCounter } from '../support/request-count';

/**
 * A need created without a type gets `suggestedType` from the tenant's latest classifier (a model
 * trained here with the real trainer and stored as a run stores it), read once per container and
 * run: a batch, or a burst of creates, costs one read. No model: no suggestion, nothing else changes.
 */
const tables = await createTestTables();
const counter = requestCounter(tables);
afterAll(() => tables.drop());

const { setUpTenant } = await import('../support/orders');
const { handler: create } = await import('../../functions/needs/create');
const { handler: batch } = await import('../../functions/needs/batch');
const { handler: get } = await import('../../functions/needs/get');
const { handler: update } = await import('../../functions/needs/update');
const { forgetModels, suggestType } = await import('../../functions/analysis/latest/suggest-type');
const { trainTextClassifier } = await import('../../functions/analysis/classifier/train');
const { modelToBytes } = await import('../../functions/analysis/classifier/model-bytes');
const { latestKey, resultKey, RESULT } = await import('../../functions/analysis/runs/keys');
const { documentClient } = await import('../../functions/shared/db/client');

beforeEach(() => forgetModels());

const PHRASES: Record<string, string[]> = {
  complaint: [
    'arrived broken',
    'is damaged and scratched',
    'stopped working after a week',
    'was faulty on delivery',
  ],
  spare_parts: [
    'needs a replacement blade',
    'asks for spare filters',
    'wants a new drive belt',
    'orders seals and gaskets',
  ],
  pricing: ['asks for a quote', 'wants a volume discount', 'requests our price list', 'compares our prices'],
};
const THINGS = [
  'the mixer',
  'the W-200',
  'the pump',
  'the conveyor',
  'the grinder',
  'the press',
  'the kiln',
  'the lathe',
];

/** A model trained as a run trains it, on needs like a tenant's. */
function trainedModel(seed: number) {
  const samples = Object.entries(PHRASES).flatMap(([label, phrases]) =>
    THINGS.flatMap((thing) => phrases.map((phrase) => ({ text: `Customer: ${thing} ${phrase}`, label }))),
  );
  const outcome = trainTextClassifier(samples, { seed });
  assert.ok(outcome.ok, 'the synthetic needs train a model');
  return outcome.model;
}

/** What a run that trained a classifier leaves (execute.ts): its result item and the latest pointer. */
async function storeClassifier(tenantId: string, runId: string, model: Uint8Array) {
  await documentClient.send(
    new PutCommand({
      TableName: tables.domain,
      Item: { ...resultKey(tenantId, runId, RESULT.classifier), model, metrics: {} },
    }),
  );
  await documentClient.send(
    new PutCommand({
      TableName: tables.domain,
      Item: { ...latestKey(tenantId, 'classifier'), runId, finishedAt: new Date().toISOString() },
    }),
  );
}

async function call(handler: Parameters<typeof invoke>[0], operationId: string, options: InvokeOptions) {
  const { response, byCommand } = await counter.run(operationId, () => invoke(handler, options));
  return { ...response, requests: byCommand };
}

async function fixture() {
  const t = await setUpTenant();
  const sam = principal(t.tenantId, ['sales'], 'sam');
  const post = (body: Record<string, unknown>) =>
    call(create, 'createNeed', {
      routeKey: 'POST /v1/needs',
      body: { customerId: t.customerId, channel: 'call', ...body },
      principal: sam,
    });
  const postBatch = (items: Record<string, unknown>[]) =>
    call(batch, 'createNeedsBatch', {
      routeKey: 'POST /v1/needs/batch',
      body: { items: items.map((item) => ({ customerId: t.customerId, channel: 'email', ...item })) },
      principal: sam,
    });
  return { ...t, sam, post, postBatch };
}

const RUN_A = '01JRUNA0000000000000000000';
const RUN_B = '01JRUNB0000000000000000000';

describe('suggestedType', () => {
  it('is absent while no run has trained a classifier, and nothing else changes', async () => {
    const t = await fixture();
    const res = await t.post({ title: 'The pump arrived broken' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.suggestedType, undefined);
    assert.equal(res.body.type, undefined);
    // One look for a model (the latest pointer), besides the need's own checks and write.
    assert.equal(res.requests.GetItemCommand, 1);
  });

  it('is the latest model’s type and confidence for a need created without a type', async () => {
    const t = await fixture();
    await storeClassifier(t.tenantId, RUN_A, modelToBytes(trainedModel(1)));
    const res = await t.post({ title: 'The conveyor arrived broken', description: 'damaged and scratched' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const { suggestedType } = res.body;
    assert.equal(suggestedType.type, 'complaint');
    assert.equal(suggestedType.runId, RUN_A);
    assert.ok(
      suggestedType.confidence > 1 / 3 && suggestedType.confidence <= 1,
      String(suggestedType.confidence),
    );
    assert.equal(suggestedType.confidence, Math.round(suggestedType.confidence * 1000) / 1000);
    assert.equal(res.body.type, undefined, 'a suggestion, not a type');

    const read = await call(get, 'getNeed', {
      routeKey: 'GET /v1/needs/{needId}',
      pathParameters: { needId: res.body.id },
      principal: t.sam,
    });
    assert.deepEqual(read.body.suggestedType, suggestedType, 'stored with the need');

    const typed = await t.post({ title: 'The press arrived broken', type: 'warranty' });
    assert.equal(typed.body.suggestedType, undefined, 'a need with a type gets none');
    const parts = await t.post({ title: 'Needs a replacement blade for the lathe' });
    assert.equal(parts.body.suggestedType.type, 'spare_parts');
  });

  it('is never taken from a client, and a change of the need keeps it', async () => {
    const t = await fixture();
    await storeClassifier(t.tenantId, RUN_A, modelToBytes(trainedModel(1)));
    const given = { type: 'pricing', confidence: 1, runId: RUN_A };
    const refused = await t.post({ title: 'Asks for a quote', suggestedType: given });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.errors[0].field, 'body.suggestedType');

    const need = (await t.post({ title: 'Asks for a quote for the kiln' })).body;
    const patch = (body: unknown, version: number) =>
      call(update, 'updateNeed', {
        routeKey: 'PATCH /v1/needs/{needId}',
        pathParameters: { needId: need.id },
        body,
        headers: { 'if-match': `"${version}"` },
        principal: t.sam,
      });
    assert.equal((await patch({ suggestedType: given }, 1)).status, 400);
    const typed = await patch({ type: 'pricing', status: 'QUALIFIED' }, 1);
    assert.equal(typed.status, 200, JSON.stringify(typed.body));
    assert.equal(typed.body.type, 'pricing');
    assert.deepEqual(typed.body.suggestedType, need.suggestedType, 'what was suggested when it came in');
  });

  it('costs a batch one read of the pointer and one of the model, whatever its size', async () => {
    const t = await fixture();
    await storeClassifier(t.tenantId, RUN_A, modelToBytes(trainedModel(1)));
    const titles = THINGS.flatMap((thing) => [
      `${thing} stopped working after a week`,
      `${thing} wants a new drive belt`,
    ]);
    const cold = await t.postBatch(titles.map((title) => ({ title })));
    assert.equal(cold.status, 200, JSON.stringify(cold.body));
    assert.deepEqual(
      cold.body.results.map((r: { outcome: string }) => r.outcome),
      titles.map(() => 'created'),
    );
    assert.equal(cold.requests.GetItemCommand, 2, JSON.stringify(cold.requests));
    const warm = await t.postBatch(titles.map((title) => ({ title: `${title}, again` })));
    assert.equal(warm.requests.GetItemCommand, undefined, 'the container’s model serves it');
    for (const result of cold.body.results) {
      const need = await call(get, 'getNeed', {
        routeKey: 'GET /v1/needs/{needId}',
        pathParameters: { needId: result.id },
        principal: t.sam,
      });
      const expected = need.body.title.includes('belt') ? 'spare_parts' : 'complaint';
      assert.deepEqual([need.body.suggestedType.type, need.body.suggestedType.runId], [expected, RUN_A]);
    }
  });

  it('follows a newer run once the cached model is a few minutes old, reading the model only when the run changed', async () => {
    const t = await fixture();
    const need = { title: 'The grinder asks for spare filters' };
    const at = Date.now();
    const suggest = async (minutes: number) => {
      const { response, byCommand } = await counter.run('createNeed', () =>
        suggestType(t.tenantId, need, at + minutes * 60_000),
      );
      return { suggestion: response, reads: byCommand.GetItemCommand ?? 0 };
    };
    await storeClassifier(t.tenantId, RUN_A, modelToBytes(trainedModel(1)));
    const first = await suggest(0);
    assert.deepEqual([first.suggestion?.runId, first.reads], [RUN_A, 2], 'the pointer and the model');
    assert.equal((await suggest(1)).reads, 0);
    await storeClassifier(t.tenantId, RUN_B, modelToBytes(trainedModel(2)));
    const cached = await suggest(4);
    assert.deepEqual(
      [cached.suggestion?.runId, cached.reads],
      [RUN_A, 0],
      'within five minutes: the cached model',
    );
    const renewed = await suggest(6);
    assert.deepEqual(
      [renewed.suggestion?.runId, renewed.reads],
      [RUN_B, 2],
      'the pointer, then the new model',
    );
    assert.equal(renewed.suggestion?.type, 'spare_parts');
    const same = await suggest(12);
    assert.deepEqual(
      [same.suggestion?.runId, same.reads],
      [RUN_B, 1],
      'the pointer only: the model is known',
    );
  });

  it('is left out, and the need created all the same, when the stored model cannot be read', async () => {
    const t = await fixture();
    await storeClassifier(t.tenantId, RUN_A, new TextEncoder().encode('not a model'));
    const res = await t.post({ title: 'The pump arrived broken' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.suggestedType, undefined);
  });
});
