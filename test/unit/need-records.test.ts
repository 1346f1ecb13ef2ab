import assert from 'node:assert/strict';
import { beforeAll, describe, it } from 'vitest';
import { majorUnits } from '../../functions/needs/export-csv';
import { nextLink } from '../../functions/needs/export-link';
import type { Need } from '../../functions/needs/schemas';
import { needWriteItems } from '../../functions/needs/store';
import { needOf } from '../support/need-fixture';

beforeAll(() => {
  process.env.DOMAIN_TABLE_NAME ??= 'domain';
});

const ids = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(24, '0')}`);
const need = (extra: Partial<Need> = {}): Need => needOf({ type: 'quote', ...extra });

describe("a need's write", () => {
  it('fits one transaction at its largest: every entry moved, two status steps, a claim and a key', () => {
    const before = need({ productIds: ids(10, 'P1'), tags: ids(10, 't') });
    const after = need({
      ...before,
      type: 'repair',
      channel: 'email',
      status: 'FULFILLED',
      productIds: ids(10, 'P2'),
      tags: ids(10, 'u'),
      receivedAt: '2025-01-01T00:00:00.000Z',
      version: 2,
    });
    const claim = { Put: { TableName: 'idempotency', Item: { id: 'x' } } };
    const items = needWriteItems({
      tenantId: 't',
      before,
      after,
      steps: [
        { from: 'NEW', to: 'IN_PROGRESS' },
        { from: 'IN_PROGRESS', to: 'FULFILLED' },
      ],
      actor: { type: 'system', id: 'linkNeedsToOrders' },
      at: '2026-02-01T00:00:00.000Z',
      also: [claim, claim],
    });
    const kinds = items.map((item) => Object.keys(item)[0]);
    // need + 2 also + 2 history + 2 changes + 25 entries + 25 moved.
    assert.equal(items.length, 57);
    assert.equal(kinds.filter((k) => k === 'Delete').length, 25);
    assert.ok(items.length <= 100);
    const keys = items.map((item) =>
      JSON.stringify(item.Put?.Item ? [item.Put.Item.pk, item.Put.Item.sk] : item.Delete?.Key),
    );
    assert.equal(new Set(keys).size - 1, keys.length - 2, 'no item twice, but for the two identical claims');
  });

  it('moves only the entries whose key changes', () => {
    const before = need({ tags: ['a', 'b'] });
    const after = need({ tags: ['b', 'c'], status: 'QUALIFIED', version: 2 });
    const deleted = needWriteItems({
      tenantId: 't',
      before,
      after,
      steps: [{ from: 'NEW', to: 'QUALIFIED' }],
      actor: { type: 'user', id: 'sam' },
      at: '2026-02-01T00:00:00.000Z',
    })
      .filter((item) => item.Delete)
      .map((item) => item.Delete?.Key?.pk);
    assert.deepEqual(deleted, ['T#t#NEEDS#STATUS#NEW', 'T#t#NEEDS#TAG#a']);
  });
});

describe('the export', () => {
  it('writes amounts in major units exactly, from the integer', () => {
    assert.equal(majorUnits({ amountMinor: 123_456, currency: 'EUR' }), '1234.56');
    assert.equal(majorUnits({ amountMinor: 5, currency: 'EUR' }), '0.05');
    assert.equal(majorUnits({ amountMinor: 500, currency: 'JPY' }), '500');
    assert.equal(majorUnits({ amountMinor: 1_234, currency: 'KWD' }), '1.234');
  });

  it('links the next part with the same filters, and none after the last', () => {
    assert.deepEqual(nextLink({ status: 'NEW', limit: 1000, cursor: 'old' }, undefined), {});
    assert.deepEqual(nextLink({ status: 'NEW', tag: 'a b', limit: 1000, cursor: 'old' }, 'abc.def'), {
      link: '</v1/needs/export?status=NEW&tag=a+b&cursor=abc.def>; rel="next"',
    });
    assert.deepEqual(nextLink({ limit: 10 }, 'c'), {
      link: '</v1/needs/export?limit=10&cursor=c>; rel="next"',
    });
  });
});
