import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { CURSOR_KEY_SECRET_ENV } from '../functions/shared/db/cursor-key';

/**
 * The key that signs pagination cursors (functions/shared/db/cursor.ts): a Secrets Manager secret
 * the stack generates (64 random letters and digits), never seen by anyone deploying. Only the
 * functions the manifest marks `cursors` may read it; they read it once per execution environment.
 *
 * Rotating it invalidates every open cursor: clients start their lists again from the first page
 * (400 on `query.cursor` for the old cursor). Environments keep the key they read until they are
 * recycled, so publish the functions again after a rotation.
 */
export class CursorKey extends Construct {
  readonly secret: Secret;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.secret = new Secret(this, 'Secret', {
      description: 'Orderly: HMAC key of pagination cursors. Rotating it invalidates open cursors.',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      // Losing it only invalidates open cursors; a new stack makes a new one.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The cursor key only authenticates pagination cursors that live minutes; automatic rotation would need a ' +
        'rotation Lambda to break every open list for no gain. Rotate it by hand if it ever leaks: that ' +
        'invalidates open cursors and nothing else.',
    });
  }

  /** What a function that reads or writes cursors gets: the secret's ARN, and GetSecretValue on it alone. */
  grant(): { environment: Record<string, string>; statements: PolicyStatement[] } {
    return {
      environment: { [CURSOR_KEY_SECRET_ENV]: this.secret.secretArn },
      statements: [
        new PolicyStatement({
          sid: 'CursorKey',
          effect: Effect.ALLOW,
          actions: ['secretsmanager:GetSecretValue'],
          resources: [this.secret.secretArn],
        }),
      ],
    };
  }
}
