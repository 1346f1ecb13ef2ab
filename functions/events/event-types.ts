import { httpHandler } from '../shared/http/handler';
import { json } from '../shared/http/response';
import { listEventTypes } from './operations';
import { eventTypeDescriptions } from './type-descriptions';

// Built once per execution environment: the catalogue is code.
const body = { items: eventTypeDescriptions() };

export const handler = httpHandler(listEventTypes, async () => json(200, body));
