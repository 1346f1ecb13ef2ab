import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FunctionSpec, WorkflowAction } from '../../functions/manifest';
import type { StateMachineId } from '../../functions/shared/workflow/port';
import { callerOf, readJsonBody, replyAwsJson } from '../aws-json';
import { assertWorkflowAccess } from '../local-iam';
import type { ExecutionView, WorkflowRunner } from '../workflow/runner';

/**
 * The twin's Step Functions endpoint: the part of AWS's Step Functions API that Orderly's
 * functions call (StartExecution, SendTaskSuccess, SendTaskFailure, DescribeExecution), in its
 * own wire protocol (JSON 1.0, `X-Amz-Target: AWSStepFunctions.<Action>`), served by the local
 * workflow runner. Functions reach it through the same SDK client and the same adapter as in AWS
 * (`AWS_ENDPOINT_URL_SFN`), so the adapter's error handling runs locally too.
 *
 * Who calls is read from the request's signature, as AWS reads it: every Lambda environment of
 * the twin signs with its function's name as access key id, and the call must be allowed by that
 * function's manifest entry (local IAM). Other callers (the twin, tests, scripts) are not limited.
 */

const ACCOUNT = '000000000000';
const REGION = 'local';

export const localStateMachineArn = (id: string) => `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${id}`;

export interface StepFunctionsEndpointOptions {
  runner: WorkflowRunner;
  functions: readonly FunctionSpec[];
  functionNameOf(fn: FunctionSpec): string;
  /** The state machine that minted a task token, if it is still pending. */
  ownerOf(taskToken: string): StateMachineId | undefined;
}

class ApiError extends Error {
  readonly status: number;
  constructor(type: string, message: string, status = 400) {
    super(message);
    this.name = type;
    this.status = status;
  }
}

export async function startStepFunctionsEndpoint(
  options: StepFunctionsEndpointOptions,
): Promise<{ url: string; close(): Promise<void> }> {
  const byName = new Map(options.functions.map((fn) => [options.functionNameOf(fn), fn]));
  const { runner } = options;

  const check = (
    caller: string | undefined,
    action: WorkflowAction,
    stateMachine: StateMachineId | undefined,
  ) => {
    if (!caller) return;
    try {
      assertWorkflowAccess(caller, byName.get(caller)?.workflow, action, stateMachine);
    } catch (error) {
      throw new ApiError('AccessDeniedException', (error as Error).message);
    }
  };

  const machineOf = (arn: unknown): StateMachineId => {
    const id = typeof arn === 'string' ? arn.split(':stateMachine:')[1] : undefined;
    if (!id || localStateMachineArn(id) !== arn)
      throw new ApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${String(arn)}'`);
    return id as StateMachineId;
  };

  /** An execution ARN's state machine and name (`…:execution:<machine>:<name>`), as far as it has them. */
  const partsOf = (arn: unknown): string[] =>
    typeof arn === 'string' ? (arn.split(':execution:')[1]?.split(':') ?? []) : [];
  const executionOf = (arn: unknown): ExecutionView => {
    const [machine, name] = partsOf(arn);
    const execution = machine && name ? runner.execution(name, machine as StateMachineId) : undefined;
    if (!execution) throw new ApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${String(arn)}'`);
    return execution;
  };

  const actions: Record<
    string,
    (body: Record<string, unknown>, caller: string | undefined) => Promise<unknown>
  > = {
    async StartExecution(body, caller) {
      const stateMachine = machineOf(body.stateMachineArn);
      check(caller, 'StartExecution', stateMachine);
      const name = typeof body.name === 'string' ? body.name : crypto.randomUUID();
      const input = body.input === undefined ? {} : parseJson(body.input, 'input');
      const existing = runner.execution(name, stateMachine);
      // AWS: the same name and input while it runs is an idempotent success; anything else exists already.
      if (
        existing &&
        (existing.status !== 'RUNNING' || JSON.stringify(existing.input) !== JSON.stringify(input))
      ) {
        throw new ApiError('ExecutionAlreadyExists', `Execution Already Exists: '${existing.executionArn}'`);
      }
      try {
        const started = await runner.port.startExecution({ stateMachine, name, input });
        const execution = runner.execution(name, stateMachine);
        return { executionArn: started.executionArn, startDate: seconds(execution?.startDate ?? new Date()) };
      } catch (error) {
        throw new ApiError((error as Error).name, (error as Error).message);
      }
    },
    async SendTaskSuccess(body, caller) {
      const token = stringField(body.taskToken, 'taskToken');
      check(caller, 'SendTaskSuccess', options.ownerOf(token));
      const output = parseJson(body.output, 'output');
      await answer(() => runner.port.sendTaskSuccess(token, output));
      return {};
    },
    async SendTaskFailure(body, caller) {
      const token = stringField(body.taskToken, 'taskToken');
      check(caller, 'SendTaskFailure', options.ownerOf(token));
      await answer(() =>
        runner.port.sendTaskFailure(token, String(body.error ?? ''), String(body.cause ?? '')),
      );
      return {};
    },
    async DescribeExecution(body, caller) {
      // As AWS: whether the caller may ask is decided before whether the execution exists.
      check(caller, 'DescribeExecution', partsOf(body.executionArn)[0] as StateMachineId | undefined);
      const execution = executionOf(body.executionArn);
      return {
        executionArn: execution.executionArn,
        stateMachineArn: localStateMachineArn(execution.stateMachine),
        name: execution.name,
        status: execution.status,
        startDate: seconds(execution.startDate),
        ...(execution.stopDate ? { stopDate: seconds(execution.stopDate) } : {}),
        input: JSON.stringify(execution.input),
        ...(execution.output !== undefined ? { output: JSON.stringify(execution.output) } : {}),
        ...(execution.error ? { error: execution.error, cause: execution.cause ?? '' } : {}),
      };
    },
  };

  const server = createServer((req, res) => {
    void handle(req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    try {
      const target = String(req.headers['x-amz-target'] ?? '');
      const action = target.startsWith('AWSStepFunctions.')
        ? actions[target.slice('AWSStepFunctions.'.length)]
        : undefined;
      if (req.method !== 'POST' || !action)
        throw new ApiError('UnknownOperationException', `Unknown operation ${target}`);
      const body = await readJsonBody(req);
      if (!body) throw new ApiError('SerializationException', 'The request body is not JSON');
      replyAwsJson(res, '1.0', 200, await action(body, callerOf(req)));
    } catch (error) {
      const status = error instanceof ApiError ? error.status : 500;
      const type = error instanceof ApiError ? error.name : 'InternalServerError';
      res.setHeader('x-amzn-errortype', type);
      replyAwsJson(res, '1.0', status, { __type: type, message: (error as Error).message });
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function answer(send: () => Promise<void>): Promise<void> {
  try {
    await send();
  } catch (error) {
    // The runner's TaskTokenInvalidError: answered already, timed out, or its execution ended.
    if ((error as Error).name === 'TaskTokenInvalidError')
      throw new ApiError('TaskTimedOut', 'Task Timed Out');
    throw new ApiError((error as Error).name, (error as Error).message);
  }
}

const seconds = (date: Date) => date.getTime() / 1000;

function stringField(value: unknown, field: string): string {
  if (typeof value !== 'string' || !value) throw new ApiError('ValidationException', `${field} is required`);
  return value;
}

function parseJson(text: unknown, field: string): unknown {
  if (text === undefined || text === '') return {};
  if (typeof text !== 'string') throw new ApiError('ValidationException', `${field} must be a JSON string`);
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(
      field === 'input' ? 'InvalidExecutionInput' : 'InvalidOutput',
      `${field} is not valid JSON`,
    );
  }
}
