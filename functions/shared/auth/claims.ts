/**
 * Claim names shared by the Cognito user pool (AWS) and the development token issuer
 * (local twin), so that both produce tokens the principal parser reads the same way.
 */
export const TENANT_CLAIM = 'custom:tenant_id';
export const GROUPS_CLAIM = 'cognito:groups';

/** Tenant ids start every key, so they are kept short and free of the `#` key separator. */
export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{1,39}$/;
