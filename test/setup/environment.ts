import { beforeEach, inject } from 'vitest';
import { localAwsEnv } from '../../local/aws-env';
import { requestIdsOfThisTest, serverSideCause } from '../support/server-log';

/**
 * Every test file finds DynamoDB Local the way the handlers do, through the SDK's environment.
 * The test process itself logs nothing unless a run asks for it (POWERTOOLS_LOG_LEVEL).
 */
Object.assign(process.env, localAwsEnv(inject('dynamoDbEndpoint')));
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
// Handlers called in-process sign and check pagination cursors with this key (a twin makes its own).
process.env.ORDERLY_CURSOR_KEY ??= 'test-cursor-key-0123456789abcdefghijklmnop';

// A failing test shows what the twin's functions and workflows said meanwhile; a passing one stays quiet.
beforeEach((context) => {
  const since = Date.now();
  requestIdsOfThisTest.clear();
  context.onTestFailed(({ task }) => {
    const cause = serverSideCause(since);
    const error = task.result?.errors?.[0];
    if (cause && error) error.message = `${error.message}\n\n${cause}`;
  });
});
