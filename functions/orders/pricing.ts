import { changedWithin, listPriceMinor, MAX_TERMS_WINDOW_SECONDS } from '../approvals/terms';
import type { CatalogueEntry } from '../products/catalogue';
import type { FieldIssue } from '../shared/http/errors';
import { UnprocessableOrderError } from './errors';
import type { OrderCreate, OrderLine, Totals } from './schemas';

const BPS = 10_000n;

/**
 * Prices the lines from the catalogue, never from the client: integer minor units throughout
 * (BigInt for the products, so no intermediate can lose precision), discounts rounded half up
 * to the minor unit. Throws a 422 naming each line that cannot be priced. Each line also records
 * what approval rules judge it by, as of `at` (the order's creation): its list price, and its
 * product's latest terms change when that falls within the longest window a rule may ask.
 */
export function priceOrder(
  input: OrderCreate,
  catalogue: ReadonlyMap<string, CatalogueEntry>,
  at: string,
): { lines: OrderLine[]; totals: Totals } {
  const issues: FieldIssue[] = [];
  const seen = new Map<string, number>();
  input.lines.forEach((line, i) => {
    const field = `body.lines.${i}`;
    const first = seen.get(line.sku);
    if (first !== undefined)
      issues.push({ field: `${field}.sku`, message: `repeats line ${first}; change its quantity instead` });
    seen.set(line.sku, i);
    const product = catalogue.get(line.sku);
    if (!product) issues.push({ field: `${field}.sku`, message: `no product with SKU '${line.sku}'` });
    else if (!product.active)
      issues.push({ field: `${field}.sku`, message: `product '${line.sku}' is not for sale` });
    else if (product.unitPrice.currency !== input.currency) {
      issues.push({
        field: `${field}.sku`,
        message: `priced in ${product.unitPrice.currency}, the order is in ${input.currency}`,
      });
    }
  });
  if (issues.length) {
    const currency = issues.some((i) => i.message.startsWith('priced in'));
    throw new UnprocessableOrderError(
      currency ? 'currency-mismatch' : 'unknown-sku',
      currency ? 'A line is priced in another currency' : 'A line cannot be ordered',
      issues,
    );
  }

  let subtotal = 0n;
  let discount = 0n;
  const lines = input.lines.map((line, i): OrderLine => {
    const product = catalogue.get(line.sku) as CatalogueEntry;
    const bps = BigInt(line.discountBps ?? 0);
    const gross = BigInt(product.unitPrice.amountMinor) * BigInt(line.quantity);
    const lineDiscount = (gross * bps + BPS / 2n) / BPS;
    subtotal += gross;
    discount += lineDiscount;
    return {
      lineNo: i + 1,
      sku: product.sku,
      productId: product.productId,
      name: product.name,
      category: product.category,
      quantity: line.quantity,
      unitPriceMinor: product.unitPrice.amountMinor,
      discountBps: Number(bps),
      discountMinor: safe(lineDiscount, `body.lines.${i}`),
      lineTotalMinor: safe(gross - lineDiscount, `body.lines.${i}`),
      ...termsOfLine(product, at),
    };
  });
  return {
    lines,
    totals: {
      subtotalMinor: safe(subtotal, 'body.lines'),
      discountMinor: safe(discount, 'body.lines'),
      totalMinor: safe(subtotal - discount, 'body.lines'),
    },
  };
}

function termsOfLine(
  product: CatalogueEntry,
  at: string,
): Pick<OrderLine, 'listPriceMinor' | 'termsChangedAt' | 'termsChangedBy'> {
  const change = product.termsChange;
  return {
    listPriceMinor: listPriceMinor(product.unitPrice, product.priceBefore, at),
    ...(change && changedWithin(change.at, at, MAX_TERMS_WINDOW_SECONDS)
      ? { termsChangedAt: change.at, termsChangedBy: change.by }
      : {}),
  };
}

function safe(value: bigint, field: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new UnprocessableOrderError('order-too-large', 'The order total is too large', [
      { field, message: 'the amount exceeds what can be represented exactly' },
    ]);
  }
  return Number(value);
}

export const maxLineDiscountBps = (lines: readonly OrderLine[]) =>
  Math.max(0, ...lines.map((l) => l.discountBps));

/** SO-2026-000123: a prefix, the year, a per-tenant sequence. */
export const formatOrderNumber = (year: number, sequence: number) =>
  `SO-${year}-${String(sequence).padStart(6, '0')}`;
