/**
 * AWS list prices used to turn measured counts into money, in one place with their sources.
 * Region: us-east-1 (N. Virginia), on-demand, no free tier, first pricing tier. Checked against
 * the public pricing pages listed; re-check them before quoting a figure to a customer.
 */
export const AWS_PRICES = {
  region: 'us-east-1',
  /** https://aws.amazon.com/step-functions/pricing/ — Standard workflows: $0.025 per 1,000 state transitions. */
  stepFunctionsStandardPerTransition: 0.025 / 1_000,
  /** https://aws.amazon.com/lambda/pricing/ — requests: $0.20 per 1M. */
  lambdaPerRequest: 0.2 / 1_000_000,
  /** https://aws.amazon.com/lambda/pricing/ — Arm (Graviton2) duration, first 7.5B GB-s/month: $0.0000133334 per GB-second. */
  lambdaArmPerGbSecond: 0.0000133334,
  /** https://aws.amazon.com/dynamodb/pricing/on-demand/ — write request units: $0.625 per million (since Nov 2024). */
  dynamoDbPerWriteRequestUnit: 0.625 / 1_000_000,
  /** https://aws.amazon.com/dynamodb/pricing/on-demand/ — read request units: $0.125 per million (since Nov 2024). */
  dynamoDbPerReadRequestUnit: 0.125 / 1_000_000,
  /** https://aws.amazon.com/api-gateway/pricing/ — HTTP APIs, first 300M requests/month: $1.00 per million. */
  httpApiPerRequest: 1.0 / 1_000_000,
} as const;
