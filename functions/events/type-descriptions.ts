import * as z from 'zod';
import { CATALOGUE, type CloudEventType, TIMELINE_TYPES } from './catalogue';

export interface EventTypeDescription {
  type: CloudEventType;
  timelineType: string;
  description: string;
  dataSchema: Record<string, unknown>;
}

/**
 * Each event type with its `data` as JSON Schema, for `GET /v1/event-types` and docs/events.md.
 * Read as input (what a consumer must accept), the schemas do not forbid other properties:
 * a type may gain optional fields without becoming a new type, and consumers ignore what they
 * do not know.
 */
export function eventTypeDescriptions(): EventTypeDescription[] {
  return TIMELINE_TYPES.map((timelineType) => {
    const entry = CATALOGUE[timelineType];
    const { $schema: _ignored, ...dataSchema } = z.toJSONSchema(entry.data, {
      io: 'input',
      unrepresentable: 'any',
    }) as Record<string, unknown>;
    return { type: entry.type, timelineType, description: entry.description, dataSchema };
  });
}
