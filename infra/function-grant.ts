import type { PolicyStatement } from 'aws-cdk-lib/aws-iam';

/**
 * What one capability adds to a function: environment variables that tell the handler where
 * things are, and the IAM statements (on those things only) that go into the function's role.
 */
export interface FunctionGrant {
  environment: Record<string, string>;
  statements: PolicyStatement[];
}

export const noGrant = (): FunctionGrant => ({ environment: {}, statements: [] });
