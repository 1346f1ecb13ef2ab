import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { parseRegistration } from '../../functions/clients/registration';
import { ValidationError } from '../../functions/shared/http/errors';

const issuesRefused = (input: unknown): { field: string; message: string }[] => {
  try {
    parseRegistration(input);
  } catch (error) {
    assert.ok(error instanceof ValidationError);
    return error.extensions.errors as { field: string; message: string }[];
  }
  assert.fail('the registration was accepted');
};
const fieldsRefused = (input: unknown): string[] => issuesRefused(input).map((issue) => issue.field);

describe('parseRegistration', () => {
  it('takes a tenant and scopes, qualified or not, each once, and names the client after its tenant by default', () => {
    assert.deepEqual(
      parseRegistration({ tenantId: 'acme', scopes: ['orders:write', 'orderly/orders:write', 'needs:read'] }),
      {
        tenantId: 'acme',
        scopes: ['orders:write', 'needs:read'],
        name: 'acme machine client',
      },
    );
  });

  it('takes a fulfilment client with its partner and a name', () => {
    assert.deepEqual(
      parseRegistration({
        tenantId: 'acme',
        scopes: ['fulfilment'],
        partnerId: 'in-house',
        name: ' Warehouse ',
      }),
      { tenantId: 'acme', scopes: ['fulfilment'], partnerId: 'in-house', name: 'Warehouse' },
    );
  });

  it('refuses a fulfilment client without a partner: it could report on no order', () => {
    assert.deepEqual(issuesRefused({ tenantId: 'acme', scopes: ['fulfilment'] }), [
      { field: 'partnerId', message: 'is required with the fulfilment scope' },
    ]);
  });

  it('lists every problem: tenant, unknown scopes, partner, name', () => {
    assert.deepEqual(
      fieldsRefused({
        tenantId: 'T#acme',
        scopes: ['admin', 'orders:write', 7],
        partnerId: 'In House',
        name: '',
      }),
      ['tenantId', 'scopes[0]', 'scopes[2]', 'partnerId', 'name'],
    );
    assert.deepEqual(fieldsRefused({ tenantId: 'acme', scopes: [] }), ['scopes']);
    assert.deepEqual(fieldsRefused(null), ['tenantId', 'scopes']);
  });
});
