import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { startOrderExecution } from '../orders/workflow-start';
import { eachRecord, streamHandler } from '../shared/stream/handler';

/**
 * The outbox start: each ORDER_SUBMITTED timeline event (the manifest's filter delivers only those)
 * starts its order's workflow, named by the order id. createOrder starts it directly too, for
 * latency; whichever comes second finds the execution there (`alreadyStarted`), so a record
 * delivered twice starts nothing twice. A start that fails fails the record, which the stream
 * retries (and dead-letters after its retries; the reconciler still finds the order).
 */
export const handler = streamHandler(
  'startOrderWorkflows',
  eachRecord(async (record) => {
    const image = unmarshall((record.dynamodb?.NewImage ?? {}) as Record<string, AttributeValue>);
    await startOrderExecution(String(image.tenantId), String(image.orderId));
  }),
);
