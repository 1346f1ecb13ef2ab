/**
 * `npm test`: starts one in-memory DynamoDB Local on a free port, runs every test file with
 * node's test runner against it, and stops it. Each test file creates its own uniquely named
 * tables, so files run in parallel without seeing each other's data.
 *
 *   npm test                         all tests
 *   npm test -- test/unit            one folder (or files)
 */
import { spawn } from 'node:child_process';
import { localAwsEnv } from '../local/aws-env';
import { startDynamoDbLocal } from '../local/dynamodb-local';

const args = process.argv.slice(2);
const targets = args.length
  ? args.map((a) => (a.endsWith('.ts') ? a : `${a.replace(/\/$/, '')}/**/*.test.ts`))
  : ['test/**/*.test.ts'];

const dynamo = await startDynamoDbLocal();
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=4', '--test-reporter=spec', ...targets],
  {
    stdio: 'inherit',
    env: {
      ...process.env,
      ...localAwsEnv(dynamo.endpoint),
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT',
    },
  },
);
const forward = (signal: NodeJS.Signals) => child.kill(signal);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
const code = await new Promise<number>((done) =>
  child.once('exit', (c, signal) => done(c ?? (signal ? 1 : 0))),
);
await dynamo.stop();
process.exit(code);
