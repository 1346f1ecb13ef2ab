import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';

/**
 * One item of a TransactWriteItems. Modules that add to another module's transaction (a stock
 * reservation, a customer's balance, an idempotency record, a uniqueness item) build these;
 * the type lives here, below all of them, so none has to import another's store for it.
 */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Why each item of a cancelled transaction failed (`undefined`: that item was fine). */
export function cancellationReasons(error: { CancellationReasons?: { Code?: string }[] }) {
  return (error.CancellationReasons ?? []).map((r) => (r.Code === 'None' ? undefined : r.Code));
}
