/**
 * Claim names shared by the Cognito user pool (AWS) and the development token issuer
 * (local twin), so that both produce tokens the principal parser reads the same way.
 */
export const TENANT_CLAIM = 'custom:tenant_id';
export const GROUPS_CLAIM = 'cognito:groups';
/** The fulfilment partner a user works for (a custom attribute in Cognito). */
export const PARTNER_CLAIM = 'custom:partner_id';
/** What an integration user may do, space-separated (a custom attribute; ID tokens carry no `scope`). */
export const SCOPES_CLAIM = 'custom:scopes';
/** OAuth2's own scope claim, in access tokens (machine clients). */
export const OAUTH_SCOPE_CLAIM = 'scope';

/** Tenant ids start every key, so they are kept short and free of the `#` key separator. */
export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{1,39}$/;
/** Partner ids are tenant configuration and end up in index keys: the same alphabet. */
export const PARTNER_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;

/**
 * Which Cognito token the API takes: `id` (the default) or `access`. Both are signed by the same
 * pool for the same client, so the JWT authorizer accepts either; the principal checks `token_use`
 * so that only the configured one gets in (docs/security.md, "Tokens").
 */
export type TokenUse = 'id' | 'access';
export const TOKEN_USE_VARIABLE = 'ORDERLY_TOKEN_USE';
export function expectedTokenUse(env: NodeJS.ProcessEnv = process.env): TokenUse {
  return env[TOKEN_USE_VARIABLE] === 'access' ? 'access' : 'id';
}
