import { nextPriceBefore } from '../approvals/terms';
import type { Money } from '../shared/money';
import type { ProductPatch } from './schemas';

/** A product's commercial terms: what approval rules read of it, audited when it changes. */
export const PRODUCT_TERMS = ['unitPrice', 'category', 'active'] as const;

/**
 * What a change of terms leaves on the product item besides the new values: who changed terms and
 * when (a rule can ask whether the order's own creator did, and how recently), and `priceBefore`,
 * the price the product had before a recent cut (an order's lines compare with it, so a price cut
 * just before an order counts like a discount). `null` removes `priceBefore` (see `nextPriceBefore`).
 */
export function termsTracking(
  current: Record<string, unknown>,
  patch: ProductPatch,
  actor: string,
  now: string,
): Record<string, unknown> {
  const tracking: Record<string, unknown> = { termsChangedAt: now, termsChangedBy: actor };
  if (patch.unitPrice) {
    const previous = current.priceBefore as { amountMinor: number; changedAt: string } | undefined;
    const next = nextPriceBefore(current.unitPrice as Money, patch.unitPrice, previous, now);
    if (next !== previous) tracking.priceBefore = next;
  }
  return tracking;
}
