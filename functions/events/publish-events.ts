import { streamHandler } from '../shared/stream/handler';
import { publishRecords } from './publish';

/** PublishEvents — every committed timeline event to the EventBridge bus, as its domain event (publish.ts). */
export const handler = streamHandler('publishEvents', (records) => publishRecords(records));
