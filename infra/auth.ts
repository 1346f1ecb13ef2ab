import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  type UserPoolClient,
  UserPoolGroup,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { PARTNER_CLAIM, SCOPES_CLAIM, TENANT_CLAIM } from '../functions/shared/auth/claims';
import { ROLES } from '../functions/shared/auth/roles';

const CUSTOM_PREFIX = 'custom:';
const attributeOf = (claim: string) => {
  if (!claim.startsWith(CUSTOM_PREFIX)) throw new Error(`${claim} is not a Cognito custom attribute`);
  return claim.slice(CUSTOM_PREFIX.length);
};
/** `custom:tenant_id` in tokens is the custom attribute `tenant_id` of the pool. */
export const TENANT_ATTRIBUTE = attributeOf(TENANT_CLAIM);
export const PARTNER_ATTRIBUTE = attributeOf(PARTNER_CLAIM);
export const SCOPES_ATTRIBUTE = attributeOf(SCOPES_CLAIM);

/**
 * The people who call the API: a Cognito user pool with one group per role and an app
 * client whose ID tokens the HTTP API's JWT authorizer accepts.
 *
 * - No self sign-up: an admin creates each user with the tenant they belong to. The tenant
 *   attribute is immutable, so no one can move themselves (or be moved) into another tenant.
 * - MFA is required, by authenticator app (TOTP) only: this is a CRM holding customers'
 *   personal data and order values, accounts are few and created by an admin, so the cost of
 *   a second factor is small and a phished password alone opens nothing. SMS is left out
 *   (SIM-swap risk, and it would need an SNS role and spend limits).
 * - A user's partner (fulfilment users) and scopes (integration users) are custom attributes an
 *   admin sets; they reach the API as `custom:partner_id` and `custom:scopes` in the ID token.
 * - Plus feature plan with threat protection enforced: compromised-credential and adaptive
 *   (risk-based) checks block sign-ins that look like account takeover.
 */
export class Auth extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    this.userPool = new UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      keepOriginal: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      customAttributes: {
        // The length bounds of TENANT_ID_PATTERN; the principal parser checks the pattern itself.
        [TENANT_ATTRIBUTE]: new StringAttribute({ minLen: 2, maxLen: 40, mutable: false }),
        // Set by an admin (AdminUpdateUserAttributes), never by the user: see `writable` below.
        [PARTNER_ATTRIBUTE]: new StringAttribute({ minLen: 1, maxLen: 40, mutable: true }),
        [SCOPES_ATTRIBUTE]: new StringAttribute({ minLen: 1, maxLen: 2048, mutable: true }),
      },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
        passwordHistorySize: 5,
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      // The pool holds every login: it survives a stack deletion and refuses a DeleteUserPool.
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    for (const role of ROLES) {
      new UserPoolGroup(this, `Group-${role}`, {
        userPool: this.userPool,
        groupName: role,
        description: `Orderly role "${role}" (cognito:groups claim)`,
      });
    }

    // Users may read their tenant, partner and scopes (they are in their ID token) but never write them.
    const readable = new ClientAttributes()
      .withStandardAttributes({ email: true, emailVerified: true, fullname: true })
      .withCustomAttributes(TENANT_ATTRIBUTE, PARTNER_ATTRIBUTE, SCOPES_ATTRIBUTE);
    const writable = new ClientAttributes().withStandardAttributes({ fullname: true });

    this.client = this.userPool.addClient('WebClient', {
      userPoolClientName: 'orderly-people',
      generateSecret: false,
      // No hosted UI: the OAuth flows (and their placeholder callback URL) would only widen it.
      disableOAuth: true,
      // SRP keeps the password off the wire; USER_PASSWORD_AUTH lets a CLI (aws cognito-idp
      // initiate-auth) get tokens without an SRP library. Both still need the TOTP code.
      authFlows: { userSrp: true, userPassword: true },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      // The API takes ID tokens (ORDERLY_TOKEN_USE=id). The JWT authorizer checks a token's
      // signature and expiry, never whether it was revoked, so the ID token's lifetime is how long
      // a disabled or demoted user keeps access: Cognito's minimum, five minutes. Clients refresh
      // silently; AdminUserGlobalSignOut revokes the refresh token (docs/security.md, "Tokens").
      idTokenValidity: Duration.minutes(5),
      accessTokenValidity: Duration.minutes(5),
      refreshTokenValidity: Duration.days(30),
      readAttributes: readable,
      writeAttributes: writable,
    });
  }

  /** The `iss` of the pool's tokens, which the JWT authorizer checks. */
  get issuerUrl(): string {
    return this.userPool.userPoolProviderUrl;
  }
}
