/**
 * The CDK context that declares machine clients and the token domain: what a deployment may say,
 * and the one error that lists everything wrong with it (so a bad context fails the synthesis).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { authDomainPrefixOf, machineClientsOf } from '../../infra/machine-client-config';

describe('machineClientsOf', () => {
  it('declares no client when the context is absent', () => {
    assert.deepEqual(machineClientsOf(undefined), []);
  });

  it('reads the array from cdk.json or as the JSON text `cdk -c` passes, scopes unqualified and once', () => {
    const entries = [
      { name: 'erp', tenantId: 'acme', scopes: ['orders:write', 'orderly/orders:write', 'webhooks:read'] },
      { name: 'warehouse', tenantId: 'acme', scopes: ['fulfilment'], partnerId: 'in-house' },
    ];
    const expected = [
      { name: 'erp', tenantId: 'acme', scopes: ['orders:write', 'webhooks:read'] },
      { name: 'warehouse', tenantId: 'acme', scopes: ['fulfilment'], partnerId: 'in-house' },
    ];
    assert.deepEqual(machineClientsOf(entries), expected);
    assert.deepEqual(machineClientsOf(JSON.stringify(entries)), expected);
  });

  it('refuses text that is not JSON, and JSON that is not an array', () => {
    assert.throws(() => machineClientsOf('[{name:'), /orderly:machineClients: is not valid JSON/);
    assert.throws(() => machineClientsOf({ name: 'erp' }), /must be a JSON array/);
  });

  it('lists every problem of every entry in one error', () => {
    const bad = [
      { tenantId: 'acme', scopes: ['orders:read'] },
      { name: 'a/b', tenantId: 'Not A Tenant', scopes: ['orders:read'] },
      { name: 'warehouse', tenantId: 'acme', scopes: ['fulfilment'] },
      { name: 'erp', tenantId: 'acme', scopes: ['orders:delete-everything'] },
      { name: 'erp2', tenantId: 'acme', scopes: [] },
    ];
    assert.throws(
      () => machineClientsOf(bad),
      (error: Error) => {
        for (const expected of [
          '[0].name is required',
          '[1].name is required and must match',
          '[1].tenantId must match',
          '[2].partnerId is required with the fulfilment scope',
          '[3].scopes[0] is not a machine scope: orders:delete-everything',
          '[4].scopes must name at least one scope',
        ])
          assert.ok(error.message.includes(expected), `${expected} in ${error.message}`);
        return true;
      },
    );
  });

  it('refuses two clients of one name: the name identifies the client in the stack', () => {
    const twice = [
      { name: 'erp', tenantId: 'acme', scopes: ['orders:read'] },
      { name: 'erp', tenantId: 'globex', scopes: ['orders:read'] },
    ];
    assert.throws(() => machineClientsOf(twice), /\[1\]\.name "erp" is taken by an earlier client/);
  });
});

describe('authDomainPrefixOf', () => {
  it('takes a Cognito domain prefix, or nothing', () => {
    assert.equal(authDomainPrefixOf(undefined), undefined);
    assert.equal(authDomainPrefixOf('orderly-acme-prod'), 'orderly-acme-prod');
  });

  it('refuses what Cognito refuses: capitals, edge hyphens, reserved words, non-strings', () => {
    for (const bad of [
      'Orderly',
      '-orderly',
      'orderly-',
      'my-aws-login',
      'cognito-orderly',
      'x'.repeat(64),
      42,
    ]) {
      assert.throws(() => authDomainPrefixOf(bad), /orderly:authDomainPrefix must match/, String(bad));
    }
  });
});
