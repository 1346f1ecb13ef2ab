import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from './client';
import { cancellationReasons, type TransactItem } from './transact-item';

/** A write that was refused: which items' conditions failed, by position in the list written. */
export class WriteCancelledError extends Error {
  readonly reasons: (string | undefined)[];

  constructor(reasons: (string | undefined)[]) {
    super(`Write cancelled: ${reasons.join(', ')}`);
    this.reasons = reasons;
    this.name = 'WriteCancelledError';
  }
}

/**
 * Writes items all or nothing. A single Put is sent as a plain PutItem: a transaction bills
 * every item twice, so one item alone (a create without an idempotency key or a natural key)
 * costs half. A failed condition becomes WriteCancelledError either way, with one reason per item.
 */
export async function writeItems(items: TransactItem[]): Promise<void> {
  const [only] = items;
  try {
    if (items.length === 1 && only?.Put) {
      await documentClient.send(new PutCommand(only.Put));
      return;
    }
    await documentClient.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    if (error instanceof TransactionCanceledException)
      throw new WriteCancelledError(cancellationReasons(error));
    if ((error as Error).name === 'ConditionalCheckFailedException')
      throw new WriteCancelledError(['ConditionalCheckFailed']);
    throw error;
  }
}
