import { awsWorkflowPort } from './aws-adapter';
import type { TaskFailureCode } from './task-failures';

/**
 * The workflow port: how handlers start executions and answer task tokens. In Lambda the AWS
 * adapter (Step Functions' API) serves it — in the local twin too, whose Step Functions endpoint
 * speaks the same API. Tests that call handlers in their own process may put a recording port in
 * its place.
 * Handlers call `workflow()` and never know which one they talk to.
 */
export interface StartExecutionResult {
  executionArn: string;
  /** True when an execution of that name already existed with the same input (a retry): nothing new started. */
  alreadyStarted: boolean;
}

/** Step Functions' execution statuses (Standard workflows). */
export type ExecutionStatus =
  | 'RUNNING'
  | 'SUCCEEDED'
  | 'FAILED'
  | 'TIMED_OUT'
  | 'ABORTED'
  | 'PENDING_REDRIVE';

export interface WorkflowPort {
  /** `name` is unique per state machine: a second start with the same name and input is a no-op. */
  startExecution(args: {
    stateMachine: StateMachineId;
    name: string;
    input: unknown;
  }): Promise<StartExecutionResult>;
  sendTaskSuccess(taskToken: string, output: unknown): Promise<void>;
  /**
   * Fails the task with the error a `Catch` in the definition matches on and a code as cause
   * (task-failures.ts): never free text, which the execution history would keep.
   */
  sendTaskFailure(taskToken: string, code: TaskFailureCode): Promise<void>;
  /** The status of the execution of that name, or undefined when there is none. */
  describeExecution(args: {
    stateMachine: StateMachineId;
    name: string;
  }): Promise<ExecutionStatus | undefined>;
}

export type StateMachineId = 'orderLifecycle';

/** The token was already answered, its state timed out, or its execution ended. */
export class TaskTokenInvalidError extends Error {
  constructor(message = 'The task token is no longer valid') {
    super(message);
    this.name = 'TaskTokenInvalidError';
  }
}

let installed: WorkflowPort | undefined;

/** Tests install a port of their own here before calling handlers; `undefined` restores AWS. */
export function useWorkflowPort(port: WorkflowPort | undefined): void {
  installed = port;
}

export function workflow(): WorkflowPort {
  installed ??= awsWorkflowPort();
  return installed;
}
