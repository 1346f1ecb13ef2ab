import { fileURLToPath } from 'node:url';
import { localAwsEnv } from '../../local/aws-env';
import { createLambdaRuntime } from '../../local/lambda/runtime';

/**
 * The twin's Lambda runtime on a test file's tables, without the rest of the twin: for tests of
 * the environments themselves, with fixture functions (test/fixtures/).
 */
export function createTestRuntime(
  tables: { domain: string; idempotency: string },
  logLevel = 'WARN',
  dynamoDbEndpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB as string,
) {
  return createLambdaRuntime({
    rootDir: fileURLToPath(new URL('../..', import.meta.url)),
    tableIds: { [tables.domain]: 'domain', [tables.idempotency]: 'idempotency' },
    environmentOf: () => ({
      ...localAwsEnv(dynamoDbEndpoint),
      DOMAIN_TABLE_NAME: tables.domain,
      POWERTOOLS_LOG_LEVEL: logLevel,
    }),
  });
}
