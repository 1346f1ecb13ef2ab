import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import {
  aggregatePartition,
  aggregateSortKey,
  MARKER_RETENTION_SECONDS,
  markerKey,
  parseSortKey,
  shardOf,
} from '../../functions/aggregates/keys';
import {
  countryAttributes,
  countryPartition,
  customerKey,
  tagCollection,
  tagEntry,
} from '../../functions/customers/keys';
import { secretContext, sourceCountKey, sourceKey, sourceLookupKey } from '../../functions/inbound/keys';
import {
  changeSortKey,
  changesPartition,
  historyKey,
  indexPartition,
  indexSortKey,
  needKey,
} from '../../functions/needs/keys';
import {
  counterKey,
  customerPartition,
  eventKey,
  inboxPartition,
  orderIndexAttributes,
  orderKey,
  partnerIndexAttributes,
  partnerPartition,
  statusPartition,
} from '../../functions/orders/keys';
import { collectionKey, entityKey, tenantKey } from '../../functions/shared/db/keys';

/**
 * Every key a tenant's data is written under starts with that tenant (`T#<tenant>#`), written out
 * here in full for each builder, so that a builder that drops or misplaces the tenant, or changes a
 * separator or a padding, fails. The documented exceptions (the inbound source lookup, keyed by a
 * source id nobody chooses) are pinned too, so they stay the only ones. The aggregate shard is
 * FNV-1a of the id; its expected values were computed independently of the code.
 */
describe('the shared builders', () => {
  it('put the tenant first, then the entity and id; the sort key is the entity unless given', () => {
    assert.equal(tenantKey('acme'), 'T#acme');
    assert.deepEqual(entityKey('acme', 'THING', '01J'), { pk: 'T#acme#THING#01J', sk: 'THING' });
    assert.deepEqual(entityKey('acme', 'THING', '01J', 'V#2'), { pk: 'T#acme#THING#01J', sk: 'V#2' });
    assert.equal(collectionKey('acme', 'THINGS'), 'T#acme#THINGS');
  });
});

describe('order keys', () => {
  it('the order, its events (six digits) and its counter', () => {
    assert.deepEqual(orderKey('acme', 'o1'), { pk: 'T#acme#ORDER#o1', sk: 'ORDER' });
    assert.deepEqual(eventKey('acme', 'o1', 7), { pk: 'T#acme#ORDER#o1', sk: 'EVENT#000007' });
    assert.deepEqual(eventKey('acme', 'o1', 1234567), { pk: 'T#acme#ORDER#o1', sk: 'EVENT#1234567' });
    assert.deepEqual(counterKey('acme', 2026), { pk: 'T#acme#COUNTER#ORDER#2026', sk: 'COUNTER' });
  });

  it('the index partitions of status, customer, approvals inbox and partner', () => {
    assert.equal(statusPartition('acme', 'APPROVED'), 'T#acme#ORDERS#APPROVED');
    assert.equal(customerPartition('acme', 'c1'), 'T#acme#CUSTOMER#c1#ORDERS');
    assert.equal(inboxPartition('acme', 'approver'), 'T#acme#APPROVALS#approver');
    assert.equal(partnerPartition('acme', 'parcel-co'), 'T#acme#PARTNER#parcel-co');
  });

  it('the index attributes an order carries, sorted by creation then id', () => {
    assert.deepEqual(
      orderIndexAttributes('acme', {
        id: 'o1',
        customerId: 'c1',
        status: 'SUBMITTED',
        createdAt: '2026-03-01T10:00:00.000Z',
      }),
      {
        collectionPk: 'T#acme#ORDERS',
        collectionSk: 'o1',
        statusPk: 'T#acme#ORDERS#SUBMITTED',
        statusSk: '2026-03-01T10:00:00.000Z#o1',
        customerPk: 'T#acme#CUSTOMER#c1#ORDERS',
        customerSk: '2026-03-01T10:00:00.000Z#o1',
      },
    );
    assert.deepEqual(
      partnerIndexAttributes('acme', { id: 'o1', createdAt: '2026-03-01T10:00:00.000Z' }, 'dhl'),
      {
        partnerPk: 'T#acme#PARTNER#dhl',
        partnerSk: '2026-03-01T10:00:00.000Z#o1',
      },
    );
  });
});

describe('customer keys', () => {
  it('the customer, its country partition and index attributes', () => {
    assert.deepEqual(customerKey('acme', 'c1'), { pk: 'T#acme#CUSTOMER#c1', sk: 'CUSTOMER' });
    assert.equal(countryPartition('acme', 'DE'), 'T#acme#CUSTOMERS#COUNTRY#DE');
    assert.deepEqual(countryAttributes('acme', 'c1', 'DE'), {
      countryPk: 'T#acme#CUSTOMERS#COUNTRY#DE',
      countrySk: 'c1',
    });
    assert.deepEqual(countryAttributes('acme', 'c1', null), { countryPk: null, countrySk: null });
  });

  it('a tag entry: in the customer’s partition, listed in the tenant’s tag collection', () => {
    assert.equal(tagCollection('vip'), 'CUSTOMERS#TAG#vip');
    assert.deepEqual(tagEntry('acme', 'c1', 'vip'), {
      pk: 'T#acme#CUSTOMER#c1',
      sk: 'TAG#vip',
      collectionPk: 'T#acme#CUSTOMERS#TAG#vip',
      collectionSk: 'c1',
      entity: 'CUSTOMER_TAG',
      tenantId: 'acme',
      customerId: 'c1',
    });
  });
});

describe('need keys', () => {
  it('the need, its history (version in six digits) and its change feed', () => {
    assert.deepEqual(needKey('acme', 'n1'), { pk: 'T#acme#NEED#n1', sk: 'NEED' });
    assert.deepEqual(historyKey('acme', 'n1', 3, 1), { pk: 'T#acme#NEED#n1', sk: 'HISTORY#000003#1' });
    assert.equal(changesPartition('acme'), 'T#acme#NEED_CHANGES');
    assert.equal(
      changeSortKey('2026-03-01T10:00:00.000Z', 'n1', 12, 0),
      '2026-03-01T10:00:00.000Z#n1#000012#0',
    );
  });

  it('the list partitions, with and without a value, sorted by receipt then id', () => {
    assert.equal(indexPartition('acme', 'ALL'), 'T#acme#NEEDS#ALL');
    assert.equal(indexPartition('acme', 'STATUS', 'NEW'), 'T#acme#NEEDS#STATUS#NEW');
    assert.equal(indexPartition('acme', 'TAG', ''), 'T#acme#NEEDS#TAG#');
    assert.equal(
      indexSortKey({ receivedAt: '2026-03-01T10:00:00.000Z', id: 'n1' }),
      '2026-03-01T10:00:00.000Z#n1',
    );
  });
});

describe('inbound source keys', () => {
  it('the tenant’s sources and count are the tenant’s; the lookup is keyed by the source id alone', () => {
    assert.deepEqual(sourceKey('acme', 's1'), { pk: 'T#acme#INBOUND_SOURCES', sk: 's1' });
    assert.deepEqual(sourceCountKey('acme'), { pk: 'T#acme#INBOUND_SOURCE_COUNT', sk: 'COUNT' });
    assert.deepEqual(sourceLookupKey('s1'), { pk: 'INBOUND_SOURCE#s1', sk: 'INBOUND_SOURCE' });
    assert.deepEqual(secretContext('s1'), { sourceId: 's1' });
  });
});

describe('aggregate keys', () => {
  it('the partition names tenant, family, period kind, dimension and shard', () => {
    assert.equal(
      aggregatePartition('acme', 'revenue', 'month', 'country', 2),
      'T#acme#AGG#revenue#month#country#2',
    );
    assert.equal(aggregateSortKey('2026-03', 'DE'), '2026-03#DE');
    assert.deepEqual(markerKey('acme', 'ev1', 0), { pk: 'T#acme#AGG#APPLIED#ev1', sk: '0' });
    assert.equal(MARKER_RETENTION_SECONDS, 259_200);
  });

  it('the first # of a sort key ends the period; the group keeps any further #', () => {
    assert.deepEqual(parseSortKey('2026-03#DE'), { period: '2026-03', group: 'DE' });
    assert.deepEqual(parseSortKey('2026-W09#a#b'), { period: '2026-W09', group: 'a#b' });
    assert.deepEqual(parseSortKey('all#'), { period: 'all', group: '' });
  });

  it('the shard is FNV-1a 32 of the id modulo the dimension’s shards; one shard is always 0', () => {
    // FNV-1a 32: 'a' 3826002220, 'b' 3876335077, 'c' 3859557458, 'd' 3775669363, '01JORDER0001' 86568571.
    assert.equal(shardOf('revenue', 'country', 'a'), 0);
    assert.equal(shardOf('revenue', 'country', 'b'), 1);
    assert.equal(shardOf('revenue', 'country', 'c'), 2);
    assert.equal(shardOf('revenue', 'country', 'd'), 3);
    assert.equal(shardOf('needs', 'none', '01JORDER0001'), 3);
    assert.equal(shardOf('needs', 'none', ''), 1);
    for (const id of ['a', 'b', 'c', 'd']) {
      assert.equal(shardOf('revenue', 'product', id), 0);
      assert.equal(shardOf('revenue', 'no-such-dimension', id), 0);
    }
  });
});
