import { streamHandler } from '../../shared/stream/handler';
import { fanOut } from './fan-out';

/** FanOutWebhooks — every committed domain event to the webhook endpoints subscribed to it (fan-out.ts). */
export const handler = streamHandler('fanOutWebhooks', (records) => fanOut(records));
