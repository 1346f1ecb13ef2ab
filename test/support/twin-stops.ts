import { functionName, functions } from '../../functions/manifest';
import type { DynamoRecord } from '../../local/lambda/runtime';
import { startTestTwin, type TestTwin } from './twin';
import { reopenShop, type Shop } from './workflow';

/**
 * Stopping the twin at a chosen point of an order's workflow, and starting it again on the same
 * tables. The local runner keeps executions in memory, so a stop is what a crash does to them.
 */

/** The name the twin's runtime knows a function by, from its entry file (functions/…/x.ts). */
export function functionAt(entry: string): string {
  const fn = functions.find((f) => f.entry === entry);
  if (!fn) throw new Error(`No function at ${entry} in the manifest`);
  return functionName(fn);
}

/** Which committed DynamoDB transaction of which function to stop the workflow after. */
export interface Cut {
  /** The function's entry file, as in the manifest. */
  entry: string;
  /** Its nth successful TransactWriteItems (1: the first), counted over the whole twin. */
  transaction: number;
}

/**
 * Stops the twin's workflow runner (every execution aborted, every token revoked) the moment the
 * function's nth transaction has committed: the environment reports each request after DynamoDB
 * answered it, and before the invocation's result, so the execution never sees that invocation
 * return. The change is in the table; the execution that made it is gone. The rest of the twin
 * (gateway, functions) runs on until `twin.stop()`. Resolves once the runner has stopped.
 */
export function stopWorkflowsAfter(twin: TestTwin, cut: Cut): Promise<void> {
  const name = functionAt(cut.entry);
  let committed = 0;
  return new Promise((resolve, reject) => {
    const observe = (record: DynamoRecord) => {
      if (record.functionName !== name || record.command !== 'TransactWriteItemsCommand') return;
      if (record.failed) return;
      committed += 1;
      if (committed !== cut.transaction) return;
      twin.runtime.observers.dynamo.delete(observe);
      // Synchronously, before the invocation's answer is handled: stop() aborts every execution first.
      twin.runner.stop().then(resolve, reject);
    };
    twin.runtime.observers.dynamo.add(observe);
  });
}

/** Stops the twin and starts it again on the same tables; the shop's people get tokens of the new twin. */
export async function restart(twin: TestTwin, shop: Shop): Promise<{ twin: TestTwin; shop: Shop }> {
  await twin.stop();
  const again = await startTestTwin({ tablePrefix: twin.tablePrefix });
  return { twin: again, shop: await reopenShop(again, shop) };
}
