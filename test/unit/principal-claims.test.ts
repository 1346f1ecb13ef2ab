import assert from 'node:assert/strict';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { afterEach, describe, it } from 'vitest';
import {
  expectedTokenUse,
  GROUPS_CLAIM,
  OAUTH_SCOPE_CLAIM,
  PARTNER_CLAIM,
  SCOPES_CLAIM,
  TENANT_CLAIM,
  TOKEN_USE_VARIABLE,
} from '../../functions/shared/auth/claims';
import { parseGroups, principalFromEvent } from '../../functions/shared/auth/principal';
import { UnauthorizedError } from '../../functions/shared/http/errors';

/**
 * The edges of reading a principal from verified claims: the exact lengths and alphabets a tenant,
 * partner and client id may have (one character either side of each limit), each 401 with its own
 * detail, which claims make a token a machine's, and that a key is left out rather than set to
 * `undefined` or `[]`. The claims are given raw (numbers, missing values) as a JWT may carry them,
 * so the event is built here rather than by the gateway, which would turn them into strings.
 */
const eventWith = (claims: Record<string, unknown> | undefined) =>
  ({
    requestContext: claims === undefined ? {} : { authorizer: { jwt: { claims, scopes: null } } },
  }) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;

const person = { sub: 'u1', token_use: 'id', [TENANT_CLAIM]: 'acme' };
const machine = { sub: 'c1', client_id: 'c1', token_use: 'access', [TENANT_CLAIM]: 'acme' };

const read = (claims: Record<string, unknown>) => principalFromEvent(eventWith(claims));

/** The detail of the 401 reading these claims gives. */
function refusedWith(claims: Record<string, unknown> | undefined): string {
  try {
    principalFromEvent(eventWith(claims));
  } catch (error) {
    assert.ok(error instanceof UnauthorizedError, String(error));
    assert.equal(error.statusCode, 401);
    assert.equal(error.type, 'unauthorized');
    assert.deepEqual(error.headers, { 'www-authenticate': 'Bearer' });
    return error.detail;
  }
  assert.fail('accepted');
}

afterEach(() => {
  delete process.env[TOKEN_USE_VARIABLE];
});

describe('claims that are not there', () => {
  it('an event without authorizer claims is a 401 asking for a bearer token', () => {
    assert.equal(refusedWith(undefined), 'A valid bearer token is required.');
  });

  it('so is an event without a request context, or with an authorizer that holds no JWT', () => {
    for (const event of [
      {},
      { requestContext: { authorizer: {} } },
      { requestContext: { authorizer: { jwt: {} } } },
    ])
      assert.throws(
        () => principalFromEvent(event as unknown as APIGatewayProxyEventV2WithJWTAuthorizer),
        (error: unknown) =>
          error instanceof UnauthorizedError && error.detail === 'A valid bearer token is required.',
        JSON.stringify(event),
      );
  });

  it('a person’s token needs a subject: missing, empty or not a string', () => {
    const { sub: _, ...noSubject } = person;
    assert.equal(refusedWith(noSubject), 'The token carries no subject.');
    assert.equal(refusedWith({ ...person, sub: '' }), 'The token carries no subject.');
    assert.equal(refusedWith({ ...person, sub: 42 }), 'The token carries no subject.');
  });

  it('a tenant that is not a string is no tenant', () => {
    assert.equal(refusedWith({ ...person, [TENANT_CLAIM]: 42 }), 'The token carries no valid tenant.');
    assert.equal(refusedWith({ ...machine, [TENANT_CLAIM]: ['acme'] }), 'The token carries no valid tenant.');
  });
});

describe('the tenant id: 2 to 40 of a-z, 0-9 and -, not starting with -', () => {
  it('takes the shortest and the longest', () => {
    assert.equal(read({ ...person, [TENANT_CLAIM]: 'a1' }).tenantId, 'a1');
    assert.equal(read({ ...person, [TENANT_CLAIM]: `a${'-'.repeat(39)}` }).tenantId, `a${'-'.repeat(39)}`);
  });

  it('refuses one character too few or too many, a leading hyphen, capitals and the key separator', () => {
    for (const tenant of ['a', `a${'b'.repeat(40)}`, '-acme', 'Acme', 'ac#me', ' acme', 'acme '])
      assert.equal(
        refusedWith({ ...person, [TENANT_CLAIM]: tenant }),
        'The token carries no valid tenant.',
        tenant,
      );
  });
});

describe('the partner id: 1 to 40 of a-z, 0-9 and -, not starting with -', () => {
  it('takes the shortest and the longest, and leaves the key out when there is none', () => {
    assert.equal(read({ ...person, [PARTNER_CLAIM]: 'p' }).partnerId, 'p');
    assert.equal(read({ ...person, [PARTNER_CLAIM]: `p${'0'.repeat(39)}` }).partnerId, `p${'0'.repeat(39)}`);
    assert.equal(Object.hasOwn(read(person), 'partnerId'), false);
    assert.equal(Object.hasOwn(read(machine), 'partnerId'), false);
  });

  it('refuses one character too many, an empty one, a leading hyphen and one that is not a string', () => {
    for (const partner of [`p${'0'.repeat(40)}`, '', '-p', 'P', 7, null])
      assert.equal(
        refusedWith({ ...person, [PARTNER_CLAIM]: partner }),
        'The token carries no valid partner.',
        String(partner),
      );
    assert.equal(refusedWith({ ...machine, [PARTNER_CLAIM]: 7 }), 'The token carries no valid partner.');
  });
});

describe('which tokens are a machine’s', () => {
  it('an access token with a client and no username, whatever the deployment takes', () => {
    assert.equal(read(machine).userId, 'client:c1');
    process.env[TOKEN_USE_VARIABLE] = 'access';
    assert.equal(read(machine).userId, 'client:c1');
  });

  it('not an ID token with a client: that is a person’s, read as one', () => {
    const principal = read({ ...person, client_id: 'c1', [GROUPS_CLAIM]: ['sales'] });
    assert.deepEqual(principal, { tenantId: 'acme', userId: 'u1', roles: ['sales'] });
  });

  it('not an access token naming a user, nor one without a client', () => {
    process.env[TOKEN_USE_VARIABLE] = 'access';
    assert.equal(read({ ...machine, username: 'alice', sub: 'u9' }).userId, 'u9');
    const { client_id: _, ...noClient } = machine;
    assert.equal(read(noClient).userId, 'c1');
  });

  it('a client id of 1 to 128 word characters or +; anything else is a 401', () => {
    assert.equal(read({ ...machine, client_id: 'a' }).userId, 'client:a');
    assert.equal(
      read({ ...machine, client_id: `a+_9${'z'.repeat(124)}` }).userId,
      `client:a+_9${'z'.repeat(124)}`,
    );
    for (const clientId of [`${'z'.repeat(129)}`, 'a-b', 'a b', 12345, null])
      assert.equal(
        refusedWith({ ...machine, client_id: clientId }),
        'The token carries no valid client.',
        String(clientId),
      );
  });

  it('a machine without orderly scopes has no role, and no scopes key', () => {
    assert.deepEqual(read(machine), { tenantId: 'acme', userId: 'client:c1', roles: [] });
    assert.deepEqual(read({ ...machine, [OAUTH_SCOPE_CLAIM]: 'orderly/fulfilment' }), {
      tenantId: 'acme',
      userId: 'client:c1',
      roles: ['fulfilment'],
    });
  });
});

describe('the token type a deployment takes', () => {
  it('is access only for exactly "access"; anything else means ID tokens', () => {
    assert.equal(expectedTokenUse({}), 'id');
    assert.equal(expectedTokenUse({ [TOKEN_USE_VARIABLE]: 'access' }), 'access');
    assert.equal(expectedTokenUse({ [TOKEN_USE_VARIABLE]: 'ACCESS' }), 'id');
    assert.equal(expectedTokenUse({ [TOKEN_USE_VARIABLE]: 'id' }), 'id');
    process.env[TOKEN_USE_VARIABLE] = 'access';
    assert.equal(expectedTokenUse(), 'access');
  });

  it('names the token type it takes in its refusal', () => {
    assert.equal(
      refusedWith({ ...person, token_use: 'access', username: 'a' }),
      'The API takes ID tokens only.',
    );
    process.env[TOKEN_USE_VARIABLE] = 'access';
    assert.equal(refusedWith(person), 'The API takes access tokens only.');
  });
});

describe('a person’s roles and scopes', () => {
  it('keeps only known roles from the groups', () => {
    assert.deepEqual(read({ ...person, [GROUPS_CLAIM]: '[admin root finance]' }).roles, ['admin', 'finance']);
  });

  it('joins the custom scopes then the OAuth ones, split on any whitespace', () => {
    assert.deepEqual(
      read({ ...person, [SCOPES_CLAIM]: 'a:read\tb:write\n', [OAUTH_SCOPE_CLAIM]: ' c:read  d:write' })
        .scopes,
      ['a:read', 'b:write', 'c:read', 'd:write'],
    );
  });

  it('leaves the scopes key out when there are none, and ignores scope claims that are not strings', () => {
    const principal = read({ ...person, [SCOPES_CLAIM]: ['a:read'], [OAUTH_SCOPE_CLAIM]: '   ' });
    assert.equal(Object.hasOwn(principal, 'scopes'), false);
  });
});

describe('parseGroups edges', () => {
  it('a bracketed string needs both brackets to be a list', () => {
    assert.deepEqual(parseGroups('[admin'), ['[admin']);
    assert.deepEqual(parseGroups('admin]'), ['admin]']);
    assert.deepEqual(parseGroups('[ admin\tsales ]'), ['admin', 'sales']);
    assert.deepEqual(parseGroups('[admin]'), ['admin']);
  });

  it('a blank string is no group; a padded one is the group itself', () => {
    assert.deepEqual(parseGroups('   '), []);
    assert.deepEqual(parseGroups('  sales '), ['sales']);
    assert.deepEqual(parseGroups(42), []);
    assert.deepEqual(parseGroups(null), []);
  });
});
