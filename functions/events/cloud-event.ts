import type { CloudEventType } from './catalogue';

/**
 * A domain event as every channel carries it: CloudEvents 1.0 attributes plus `tenantid`
 * (envelope.ts builds it; docs/events.md describes it).
 */
export const SPEC_VERSION = '1.0';
export const EVENT_SOURCE = '/orderly/orders';

export interface CloudEvent {
  specversion: typeof SPEC_VERSION;
  /** `<orderId>.<seq, 6 digits>`: the same for every delivery of the event. */
  id: string;
  source: typeof EVENT_SOURCE;
  type: CloudEventType;
  /** `orders/<orderId>` */
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  tenantid: string;
  data: Record<string, unknown>;
}
