import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { OrderlyStack } from './orderly-stack';

export const STACK_NAME = 'Orderly';

/**
 * The CDK app: the Orderly stack, checked at synthesis by cdk-nag's AWS Solutions rules as a
 * policy validation plugin. Any finding that is not acknowledged (with a reason, on the
 * construct it concerns) fails the synthesis. The tests build the app through here too.
 */
export function createOrderlyApp(
  props: AppProps = {},
  options: { bundling?: boolean } = {},
): { app: App; stack: OrderlyStack } {
  const app = new App(props);
  // Set after the CLI's context is read (it asks to bundle every stack), before any stack exists.
  if (options.bundling === false) app.node.setContext('aws:cdk:bundling-stacks', []);
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const region = process.env.CDK_DEFAULT_REGION;
  const stack = new OrderlyStack(app, STACK_NAME, {
    stackName: STACK_NAME,
    description: 'Orderly: serverless CRM for sales management and order processing',
    // Environment-agnostic unless the CLI knows the account and region (e.g. with credentials).
    ...(account && region ? { env: { account, region } } : {}),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
