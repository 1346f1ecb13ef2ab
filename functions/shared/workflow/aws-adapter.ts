import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { type ExecutionStatus, type StateMachineId, TaskTokenInvalidError, type WorkflowPort } from './port';
import { taskFailure } from './task-failures';

/** Each state machine's ARN reaches the functions that need it as an environment variable. */
export const STATE_MACHINE_ARN_ENV: Record<StateMachineId, string> = {
  orderLifecycle: 'ORDER_LIFECYCLE_STATE_MACHINE_ARN',
};

/** Step Functions' API behind the port; the client is created on first use and reused. */
export function awsWorkflowPort(): WorkflowPort {
  let client: SFNClient | undefined;
  const sfn = () => {
    client ??= new SFNClient({});
    return client;
  };
  const answer = async (send: () => Promise<unknown>) => {
    try {
      await send();
    } catch (error) {
      if (
        error instanceof TaskTimedOut ||
        error instanceof InvalidToken ||
        error instanceof TaskDoesNotExist
      ) {
        throw new TaskTokenInvalidError(error.message);
      }
      throw error;
    }
  };
  const arnOf = (stateMachine: StateMachineId) => {
    const env = STATE_MACHINE_ARN_ENV[stateMachine];
    const stateMachineArn = process.env[env];
    if (!stateMachineArn) throw new Error(`Environment variable ${env} is not set`);
    return stateMachineArn;
  };
  const executionArnOf = (stateMachineArn: string, name: string) =>
    `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  return {
    async startExecution({ stateMachine, name, input }) {
      const stateMachineArn = arnOf(stateMachine);
      try {
        const result = await sfn().send(
          new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
        );
        return { executionArn: result.executionArn as string, alreadyStarted: false };
      } catch (error) {
        // Same name, other input (or an execution that already ended): it exists, nothing new starts.
        if (error instanceof ExecutionAlreadyExists) {
          return { executionArn: executionArnOf(stateMachineArn, name), alreadyStarted: true };
        }
        throw error;
      }
    },
    async describeExecution({ stateMachine, name }) {
      const executionArn = executionArnOf(arnOf(stateMachine), name);
      try {
        const result = await sfn().send(new DescribeExecutionCommand({ executionArn }));
        return result.status as ExecutionStatus;
      } catch (error) {
        if (error instanceof ExecutionDoesNotExist) return undefined;
        throw error;
      }
    },
    sendTaskSuccess: (taskToken, output) =>
      answer(() =>
        sfn().send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output ?? {}) })),
      ),
    sendTaskFailure: async (taskToken, code) => {
      const { error, cause } = taskFailure(code);
      await answer(() => sfn().send(new SendTaskFailureCommand({ taskToken, error, cause })));
    },
  };
}
