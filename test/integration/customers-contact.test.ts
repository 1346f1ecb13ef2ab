import assert from 'node:assert/strict';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, it } from 'vitest';
import { createTestTables } from '../support/database';
import { invoke, principal, uniqueTenant } from '../support/invoke';

const tables = await createTestTables();
const { handler: create } = await import('../../functions/customers/create');
const { handler: update } = await import('../../functions/customers/update');
const { customerKey } = await import('../../functions/customers/store');
const { documentClient } = await import('../../functions/shared/db/client');

const admin = principal(uniqueTenant('contact'));

const stored = async (id: string) =>
  (
    await documentClient.send(
      new GetCommand({ TableName: tables.domain, Key: customerKey(admin.tenantId, id) }),
    )
  ).Item as Record<string, any>;

const createCustomer = (body: unknown) =>
  invoke(create, { routeKey: 'POST /v1/customers', body, principal: admin });

const patchCustomer = (id: string, version: number, body: unknown) =>
  invoke(update, {
    routeKey: 'PATCH /v1/customers/{customerId}',
    pathParameters: { customerId: id },
    headers: { 'if-match': `"${version}"` },
    body,
    principal: admin,
  });

const assertBadField = (res: { status: number; body: any }, field: string) => {
  assert.equal(res.status, 400, JSON.stringify(res.body));
  assert.ok(
    res.body.errors.some((e: { field: string }) => e.field === field),
    JSON.stringify(res.body.errors),
  );
};

describe('customers’ contact data as people write it', () => {
  afterAll(() => tables.drop());

  it('stores the phone as written, its E.164 form, and the country as its code', async () => {
    const created = await createCustomer({
      name: 'Around the Horn',
      phone: '(171) 555-7788',
      address: { line1: '120 Hanover Sq.', city: 'London', country: 'United Kingdom' },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.phone, '(171) 555-7788');
    assert.equal(created.body.phoneE164, '+441715557788');
    assert.equal(created.body.address.country, 'GB');
    const item = await stored(created.body.id);
    assert.equal(item.phone, '(171) 555-7788');
    assert.equal(item.phoneE164, '+441715557788');
    assert.equal(item.address.country, 'GB');
  });

  it('keeps a phone it cannot place without phoneE164', async () => {
    const noCountry = await createCustomer({ name: 'Nowhere Ltd', phone: '555-1234' });
    assert.equal(noCountry.status, 201);
    assert.equal(noCountry.body.phone, '555-1234');
    assert.equal('phoneE164' in noCountry.body, false);
    assert.equal((await stored(noCountry.body.id)).phoneE164, undefined);

    const international = await createCustomer({ name: 'Intl Ltd', phone: '+44 20 7946 0958' });
    assert.equal(international.body.phoneE164, '+442079460958');
  });

  it('recomputes phoneE164 on PATCH from the new phone and the stored country, and the reverse', async () => {
    const created = await createCustomer({
      name: 'Blauer See Delikatessen',
      address: { line1: 'Forsterstr. 57', city: 'Mannheim', country: 'de' },
    });
    assert.equal(created.body.address.country, 'DE');
    const id = created.body.id;

    const phoned = await patchCustomer(id, 1, { phone: '0621-08460' });
    assert.equal(phoned.status, 200, JSON.stringify(phoned.body));
    assert.equal(phoned.body.phone, '0621-08460');
    assert.equal(phoned.body.phoneE164, '+4962108460', 'read in the stored country');

    const moved = await patchCustomer(id, 2, {
      address: { line1: '12 Orchestra Terrace', city: 'Walla Walla', country: 'USA' },
    });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.equal(moved.body.address.country, 'US');
    assert.equal(moved.body.phoneE164, undefined, 'not a possible US number: removed');
    assert.equal((await stored(id)).phoneE164, undefined);

    const both = await patchCustomer(id, 3, {
      phone: '(509) 555-7969',
      address: { line1: '12 Orchestra Terrace', city: 'Walla Walla', country: 'us' },
    });
    assert.equal(both.body.phoneE164, '+15095557969');
    assert.equal((await stored(id)).phoneE164, '+15095557969');

    const removed = await patchCustomer(id, 4, { phone: null });
    assert.equal(removed.status, 200);
    assert.equal(removed.body.phone, undefined);
    assert.equal(removed.body.phoneE164, undefined);
    const item = await stored(id);
    assert.equal(item.phone, undefined);
    assert.equal(item.phoneE164, undefined);
  });

  it('answers a stale If-Match with 412 and writes nothing derived', async () => {
    const created = await createCustomer({ name: 'Stale Ltd', phone: '+44 20 7946 0958' });
    const stale = await patchCustomer(created.body.id, 7, { phone: '+49 30 1234567' });
    assert.equal(stale.status, 412);
    assert.equal((await stored(created.body.id)).phoneE164, '+442079460958');
  });

  it('refuses what is clearly no phone, no country or no text, naming the field, and writes nothing', async () => {
    assertBadField(await createCustomer({ name: 'A', phone: 'call me maybe' }), 'body.phone');
    const short = await createCustomer({ name: 'A', phone: '123' });
    assertBadField(short, 'body.phone');
    // The phone's own problem is what the client reads, not a generic "invalid input".
    assert.match(
      short.body.errors.find((e: { field: string }) => e.field === 'body.phone').message,
      /^must be a phone number of at least \d+ digits$/,
    );
    assertBadField(await createCustomer({ name: 'A', phone: '+44 20\u0000 7946 0958' }), 'body.phone');
    assertBadField(
      await createCustomer({ name: 'A', address: { line1: 'x', city: 'y', country: 'Narnia' } }),
      'body.address.country',
    );
    assertBadField(await createCustomer({ name: 'A', phoneE164: '+442079460958' }), 'body.phoneE164');
    assertBadField(await createCustomer({ name: 'Ada\u202eLtd' }), 'body.name');
    assertBadField(
      await createCustomer({ name: 'A', address: { line1: 'x\ny', city: 'y', country: 'GB' } }),
      'body.address.line1',
    );

    const created = await createCustomer({ name: 'Patched Badly' });
    const id = created.body.id;
    assertBadField(await patchCustomer(id, 1, { phone: 'none' }), 'body.phone');
    assertBadField(
      await patchCustomer(id, 1, { address: { line1: 'x', city: 'y', country: 'Atlantis' } }),
      'body.address.country',
    );
    assertBadField(await patchCustomer(id, 1, { phoneE164: '+15095557969' }), 'body.phoneE164');
    assert.equal((await stored(id)).version, 1, 'nothing written');
  });
});
