import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { awsWorkflowPort } from '../../functions/shared/workflow/aws-adapter';
import {
  TASK_FAILURES,
  type TaskFailureCode,
  taskFailure,
} from '../../functions/shared/workflow/task-failures';
import { WORKFLOW_ERRORS } from '../../functions/workflow/steps';

/**
 * What a failed task token tells Step Functions, which keeps it in the execution history: a
 * code, never text a person wrote. The adapter is checked on the wire, against a stand-in for
 * the Step Functions endpoint that records each request.
 */
const FREE_TEXT = 'The customer, Ada Lovelace, changed her mind';

const requests: { target: string; body: Record<string, unknown> }[] = [];
const endpoint = createServer(async (req: IncomingMessage, res) => {
  let body = '';
  for await (const chunk of req) body += chunk;
  requests.push({ target: String(req.headers['x-amz-target']), body: JSON.parse(body) });
  res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
  res.end('{}');
});
let saved: string | undefined;

beforeAll(async () => {
  await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
  saved = process.env.AWS_ENDPOINT_URL_SFN;
  process.env.AWS_ENDPOINT_URL_SFN = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}`;
});
afterAll(() => {
  if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_SFN;
  else process.env.AWS_ENDPOINT_URL_SFN = saved;
  endpoint.close();
});

describe('task failures are codes', () => {
  it('sends each code as the error the definition catches and {"code": …} as the cause', async () => {
    const port = awsWorkflowPort();
    for (const code of Object.keys(TASK_FAILURES) as TaskFailureCode[]) {
      await port.sendTaskFailure(`token-${code}`, code);
    }
    assert.deepEqual(
      requests.map((r) => [r.target, r.body]),
      [
        [
          'AWSStepFunctions.SendTaskFailure',
          {
            taskToken: 'token-order-cancelled',
            error: 'OrderCancelled',
            cause: '{"code":"order-cancelled"}',
          },
        ],
        [
          'AWSStepFunctions.SendTaskFailure',
          {
            taskToken: 'token-order-rejected',
            error: 'ApprovalRejected',
            cause: '{"code":"order-rejected"}',
          },
        ],
        [
          'AWSStepFunctions.SendTaskFailure',
          {
            taskToken: 'token-fulfilment-failed',
            error: 'FulfilmentFailed',
            cause: '{"code":"fulfilment-failed"}',
          },
        ],
      ],
    );
  });

  it('refuses free text before anything is sent, and does not repeat it', async () => {
    requests.length = 0;
    const port = awsWorkflowPort();
    for (const sneaked of [FREE_TEXT, 'toString', '', undefined]) {
      await assert.rejects(port.sendTaskFailure('token', sneaked as never), (error: unknown) => {
        assert.ok(error instanceof TypeError);
        assert.ok(!error.message.includes(FREE_TEXT));
        return true;
      });
    }
    assert.throws(() => taskFailure(FREE_TEXT as never), TypeError);
    assert.deepEqual(requests, [], 'nothing reached Step Functions');
  });

  it('names only errors the state machine catches, the same the workflow code matches on', () => {
    const definition = readFileSync(
      new URL('../../statemachines/order-lifecycle.asl.json', import.meta.url),
      'utf8',
    );
    const caught = new Set(
      [...definition.matchAll(/"ErrorEquals":\s*\[([^\]]*)\]/g)].flatMap((m) =>
        JSON.parse(`[${m[1]}]`),
      ) as string[],
    );
    for (const error of Object.values(TASK_FAILURES)) {
      assert.ok(caught.has(error) || caught.has('States.ALL'), `${error} is caught`);
    }
    assert.ok(caught.has(WORKFLOW_ERRORS.rejected), 'a rejection has a Catch of its own');
    assert.deepEqual(
      [WORKFLOW_ERRORS.cancelled, WORKFLOW_ERRORS.rejected, WORKFLOW_ERRORS.fulfilmentFailed],
      [
        taskFailure('order-cancelled').error,
        taskFailure('order-rejected').error,
        taskFailure('fulfilment-failed').error,
      ],
    );
  });
});
