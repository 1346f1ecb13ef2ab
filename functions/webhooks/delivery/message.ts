import type { CloudEvent } from '../../events/envelope';
import { ENDPOINT_DISABLED, webhookTypeOf } from '../event-types';

/**
 * What a webhook carries: `{ id, type, timestamp, subject, data }` as compact JSON, exactly the
 * bytes signed and sent. The id is the webhook-id: the domain event's own id, so every attempt
 * and every redelivery of an event carries the same one and receivers de-duplicate by it.
 *
 * Each message goes down a lane of its endpoint: the events of one order share a lane and reach
 * the endpoint in their order; an endpoint's disabled notice has a lane of its own.
 */
export interface WebhookMessage {
  webhookId: string;
  eventType: string;
  laneId: string;
  body: string;
}

export function orderEventMessage(event: CloudEvent): WebhookMessage {
  const type = webhookTypeOf(event.type);
  return {
    webhookId: event.id,
    eventType: type,
    // `orders/<orderId>`: one lane per order.
    laneId: event.subject.replace(/^orders\//, ''),
    body: JSON.stringify({
      id: event.id,
      type,
      timestamp: event.time,
      subject: event.subject,
      data: event.data,
    }),
  };
}

export interface EndpointDisabledNotice {
  endpointId: string;
  url: string;
  reason: 'gone' | 'failing';
  disabledAt: string;
  failingSince?: string;
}

export const disabledWebhookId = (endpointId: string, disabledAt: string) =>
  `${endpointId}.disabled.${Date.parse(disabledAt)}`;

export function endpointDisabledMessage(notice: EndpointDisabledNotice): WebhookMessage {
  const id = disabledWebhookId(notice.endpointId, notice.disabledAt);
  return {
    webhookId: id,
    eventType: ENDPOINT_DISABLED,
    laneId: `disabled.${notice.endpointId}`,
    body: JSON.stringify({
      id,
      type: ENDPOINT_DISABLED,
      timestamp: notice.disabledAt,
      subject: `webhooks/endpoints/${notice.endpointId}`,
      data: notice,
    }),
  };
}
