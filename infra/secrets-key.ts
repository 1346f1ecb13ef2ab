import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { SecretUse } from '../functions/manifest';
import { SECRETS_KMS_KEY_ENV } from '../functions/shared/secrets/sealed-secret';
import type { FunctionGrant } from './function-grant';

/**
 * The encryption-context keys sealed secrets are bound to: `{ tenantId, endpointId }` for webhook
 * endpoint secrets, `{ sourceId }` for inbound-source secrets (functions/shared/secrets/sealed-secret.ts).
 * IAM lets functions use the key only with a context made of these keys, so the key cannot be
 * borrowed to seal or open anything that is not one of Orderly's stored secrets.
 */
export const SEAL_CONTEXT_KEYS = ['tenantId', 'endpointId', 'sourceId'] as const;

const ACTION_OF: Record<SecretUse, string> = { seal: 'kms:Encrypt', open: 'kms:Decrypt' };
const SID_OF: Record<SecretUse, string> = { seal: 'SealSecrets', open: 'OpenSecrets' };

/**
 * The KMS key that seals the secrets Orderly must read back (webhook signing secrets, partner
 * inbound secrets). A function gets `kms:Encrypt` only where the manifest says `secrets: ['seal']`
 * and `kms:Decrypt` only where it says `'open'`, each on this key alone and only with an encryption
 * context of the keys above: creating an endpoint cannot read any secret back, the delivery worker
 * cannot mint sealed values.
 *
 * Rotation is on (KMS keeps the old key material, so old ciphertexts still open). The key is
 * retained when the stack is deleted: without it every stored secret is lost, and a deleted key
 * cannot be brought back after its waiting period.
 */
export class SecretsKey extends Construct {
  readonly key: Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      alias: `${Stack.of(this).stackName}/sealed-secrets`,
      description: 'Orderly: seals webhook signing secrets and partner inbound secrets at rest',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /** The key's ARN, and Encrypt and/or Decrypt on it alone, with an Orderly encryption context only. */
  grant(uses: readonly SecretUse[]): FunctionGrant {
    return {
      environment: { [SECRETS_KMS_KEY_ENV]: this.key.keyArn },
      statements: [...new Set(uses)].map(
        (use) =>
          new PolicyStatement({
            sid: SID_OF[use],
            effect: Effect.ALLOW,
            actions: [ACTION_OF[use]],
            resources: [this.key.keyArn],
            conditions: {
              // Every key of the request's context is one of ours…
              'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': [...SEAL_CONTEXT_KEYS] },
              // …and there is a context at all: ForAllValues alone is true for an empty set.
              Null: { 'kms:EncryptionContextKeys': 'false' },
            },
          }),
      ),
    };
  }
}
