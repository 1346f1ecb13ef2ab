import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { ConflictError, ExternalRefTakenError } from '../../functions/shared/http/errors';
import { createTestTables } from '../support/database';
import { uniqueTenant } from '../support/invoke';

/**
 * valueTaken on DynamoDB Local: after a create was refused on its externalRef's item, the 409
 * names the owner once its claim is readable, or asks to retry when no claim ever committed
 * (the competing transaction was cancelled too).
 */
const tables = await createTestTables();
afterAll(() => tables.drop());
const { claimUnique, valueTaken } = await import('../../functions/shared/db/unique-values');
const { writeItems } = await import('../../functions/shared/db/write-items');

describe('valueTaken', () => {
  it('names the resource that owns the value', async () => {
    const tenantId = uniqueTenant('uv');
    await writeItems([claimUnique(tenantId, 'ORDER_REF', 'PO-1', 'order-1')]);
    await assert.rejects(valueTaken(tenantId, 'ORDER_REF', 'PO-1'), (error: unknown) => {
      assert.ok(error instanceof ExternalRefTakenError);
      assert.equal(
        error.detail,
        "Order 'order-1' already has this externalRef; read it instead of creating another.",
      );
      return true;
    });
  });

  it('asks to retry when nobody owns the value after all', async () => {
    const tenantId = uniqueTenant('uv');
    // Claimed in another tenant only: this tenant's value stays free.
    await writeItems([claimUnique(uniqueTenant('uv'), 'CUSTOMER_REF', 'C-1', 'customer-1')]);
    await assert.rejects(valueTaken(tenantId, 'CUSTOMER_REF', 'C-1'), (error: unknown) => {
      assert.ok(error instanceof ConflictError && !(error instanceof ExternalRefTakenError));
      assert.deepEqual(
        [error.statusCode, error.type, error.title],
        [409, 'external-ref-contended', 'The externalRef is being written by another request'],
      );
      return true;
    });
  });
});
