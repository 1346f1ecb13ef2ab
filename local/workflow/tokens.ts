import { randomBytes } from 'node:crypto';
import { TaskTokenInvalidError } from '../../functions/shared/workflow/port';

/**
 * Task tokens: one per entry into a `.waitForTaskToken` state, unguessable, valid until it is
 * answered or its task ends another way (timeout, failure, the execution ending). Answering a
 * token that is not pending is a `TaskTokenInvalidError`, as SendTaskSuccess/Failure are in AWS.
 */

export type TaskOutcome = { ok: true; output: unknown } | { ok: false; error: string; cause: string };

export interface TaskTokenOwner {
  stateMachine: string;
  executionName: string;
  stateName: string;
}

export interface PendingTask extends TaskTokenOwner {
  token: string;
  /** What the task's function was invoked with, the token in place. */
  payload: unknown;
  enteredAt: Date;
  timeoutAt?: Date;
}

interface Entry extends PendingTask {
  /** The function has returned: the execution is parked, waiting for the answer. */
  parked: boolean;
  answer: (outcome: TaskOutcome) => void;
}

/** `keepMinted`: remember every token ever minted, for tests that look for one where none may be. */
export function createTaskTokens(onChange: () => void, options: { keepMinted?: boolean } = {}) {
  const pending = new Map<string, Entry>();
  const minted: string[] = [];

  return {
    mint(owner: TaskTokenOwner, timeoutAt?: Date): { token: string; outcome: Promise<TaskOutcome> } {
      const token = randomBytes(32).toString('base64url');
      if (options.keepMinted) minted.push(token);
      const outcome = new Promise<TaskOutcome>((answer) => {
        pending.set(token, {
          ...owner,
          token,
          payload: undefined,
          enteredAt: new Date(),
          timeoutAt,
          parked: false,
          answer,
        });
      });
      return { token, outcome };
    },

    describe(token: string, payload: unknown): void {
      const entry = pending.get(token);
      if (entry) entry.payload = payload;
    },

    park(token: string): void {
      const entry = pending.get(token);
      if (entry && !entry.parked) {
        entry.parked = true;
        onChange();
      }
    },

    answer(token: string, outcome: TaskOutcome): void {
      const entry = pending.get(token);
      if (!entry) throw new TaskTokenInvalidError();
      pending.delete(token);
      entry.answer(outcome);
      onChange();
    },

    /** The task ended without an answer: the token is no longer valid. */
    revoke(token: string): void {
      if (pending.delete(token)) onChange();
    },

    revokeExecution(stateMachine: string, executionName: string): void {
      for (const entry of pending.values()) {
        if (entry.stateMachine === stateMachine && entry.executionName === executionName)
          pending.delete(entry.token);
      }
      onChange();
    },

    revokeAll(): void {
      pending.clear();
      onChange();
    },

    /** Every token minted so far, oldest first (none unless `keepMinted`). A copy: nothing can be answered through it. */
    minted(): readonly string[] {
      return [...minted];
    },

    /** Tasks whose function has returned and that wait for their token, oldest first. */
    parked(): PendingTask[] {
      return [...pending.values()]
        .filter((entry) => entry.parked)
        .map(({ parked: _parked, answer: _answer, ...task }) => task);
    },
  };
}

export type TaskTokens = ReturnType<typeof createTaskTokens>;
