import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import {
  defaultPartnerRouting,
  type PartnerRouting,
  partnerFor,
} from '../../functions/settings/fulfilment-partners';
import { MAX_CUSTOMER_ROUTES, PartnerRoutingInput } from '../../functions/settings/schemas';

const ADA = '01HZY0000000000000000000AA';
const BOB = '01HZY0000000000000000000BB';
const order = (customerId: string, ...categories: string[]) => ({
  customerId,
  lines: categories.map((category) => ({ category })),
});

const routing: PartnerRouting = {
  defaultPartnerId: 'in-house',
  byCategory: { machines: 'heavy-haul', gifts: 'gift-packers' },
  byCustomer: { [ADA]: 'ada-logistics' },
};

describe('which partner an order is assigned to', () => {
  it('gives a routed customer its partner, whatever the lines', () => {
    assert.equal(partnerFor(order(ADA, 'machines', 'gifts'), routing), 'ada-logistics');
  });

  it('otherwise takes the first line, in line order, whose category is routed', () => {
    assert.equal(partnerFor(order(BOB, 'parts', 'gifts', 'machines'), routing), 'gift-packers');
    assert.equal(partnerFor(order(BOB, 'machines', 'gifts'), routing), 'heavy-haul');
  });

  it('otherwise the default partner', () => {
    assert.equal(partnerFor(order(BOB, 'parts', 'tools'), routing), 'in-house');
  });

  it('matches categories exactly, and never on a name Object.prototype happens to have', () => {
    assert.equal(partnerFor(order(BOB, 'Machines'), routing), 'in-house');
    assert.equal(partnerFor(order(BOB, 'constructor', 'toString'), routing), 'in-house');
    assert.equal(partnerFor(order('hasOwnProperty', 'parts'), routing), 'in-house');
  });

  it('sends everything in-house for a tenant that never saved a routing, and hands out fresh copies', () => {
    const defaults = defaultPartnerRouting();
    assert.deepEqual(defaults, { defaultPartnerId: 'in-house', byCategory: {}, byCustomer: {} });
    assert.equal(partnerFor(order(ADA, 'machines'), defaults), 'in-house');
    defaults.byCategory.machines = 'someone';
    assert.deepEqual(defaultPartnerRouting().byCategory, {});
  });
});

describe('the routing a PUT takes', () => {
  const fieldsOf = (input: unknown) => {
    const result = PartnerRoutingInput.safeParse(input);
    return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
  };

  it('fills the maps in when left out', () => {
    assert.deepEqual(PartnerRoutingInput.parse({ defaultPartnerId: 'in-house' }), {
      defaultPartnerId: 'in-house',
      byCategory: {},
      byCustomer: {},
    });
  });

  it('refuses partner ids a token could not carry, customers that are no ids, and unknown fields', () => {
    assert.deepEqual(fieldsOf({ defaultPartnerId: 'In House' }), ['defaultPartnerId']);
    assert.deepEqual(fieldsOf({ defaultPartnerId: 'a', byCategory: { gifts: 'x#y' } }), ['byCategory.gifts']);
    assert.deepEqual(fieldsOf({ defaultPartnerId: 'a', byCustomer: { ada: 'b' } }), ['byCustomer.ada']);
    assert.deepEqual(fieldsOf({ defaultPartnerId: 'a', partners: [] }), ['']);
  });

  it('refuses a category named __proto__ rather than dropping it', () => {
    const input = JSON.parse('{"defaultPartnerId":"a","byCategory":{"__proto__":"b"}}');
    assert.deepEqual(fieldsOf(input), ['byCategory.__proto__']);
  });

  it(`takes at most ${MAX_CUSTOMER_ROUTES} customers`, () => {
    const many = (n: number) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`01HZY${String(i).padStart(21, '0')}`, 'b']));
    assert.deepEqual(fieldsOf({ defaultPartnerId: 'a', byCustomer: many(MAX_CUSTOMER_ROUTES) }), []);
    assert.deepEqual(fieldsOf({ defaultPartnerId: 'a', byCustomer: many(MAX_CUSTOMER_ROUTES + 1) }), [
      'byCustomer',
    ]);
  });
});
