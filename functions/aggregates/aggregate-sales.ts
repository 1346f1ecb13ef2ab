import { streamHandler } from '../shared/stream/handler';
import { aggregateRecords } from './aggregate-records';

/**
 * AggregateSales — keeps the sales aggregates (needs, revenue, pipeline, fulfilment) current from
 * the domain table's stream: every change of a need or an order adds its contribution's delta,
 * once, however often the record is delivered (aggregate-records.ts, plan.ts).
 */
export const handler = streamHandler('aggregateSales', (records) => aggregateRecords(records));
