import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import { BASE_DATA, CATALOGUE, CLOUD_EVENT_TYPES, TIMELINE_TYPES } from '../../functions/events/catalogue';
import { eventTypeDescriptions } from '../../functions/events/type-descriptions';

const FUNCTIONS = fileURLToPath(new URL('../../functions', import.meta.url));

/** Every timeline type the code writes: an event's `type: 'UPPER_CASE'` in functions/ (the catalogue aside). */
function typesWritten(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const files = readdirSync(FUNCTIONS, { recursive: true, encoding: 'utf8' }).filter(
    (file) => file.endsWith('.ts') && !file.startsWith('events'),
  );
  for (const file of files) {
    const source = readFileSync(join(FUNCTIONS, file), 'utf8');
    for (const [, type] of source.matchAll(/\btype: '([A-Z][A-Z0-9_]*)'/g))
      found.set(type as string, [...(found.get(type as string) ?? []), file]);
  }
  return found;
}

describe('the event catalogue', () => {
  it('declares every timeline type the code writes, and none it does not', () => {
    const written = typesWritten();
    assert.ok(written.size >= 18, `found the producers (${[...written.keys()].join(', ')})`);
    for (const [type, files] of written)
      assert.ok(
        TIMELINE_TYPES.includes(type as never),
        `${type} (${files.join(', ')}) is in functions/events/catalogue.ts`,
      );
    for (const type of TIMELINE_TYPES) assert.ok(written.has(type), `${type} is still written by some code`);
  });

  it('gives each a distinct CloudEvents type orderly.order.<snake_case> and a one-line description', () => {
    assert.equal(new Set(CLOUD_EVENT_TYPES).size, TIMELINE_TYPES.length);
    for (const type of TIMELINE_TYPES) {
      const entry = CATALOGUE[type];
      assert.match(entry.type, /^orderly\.order\.[a-z]+(_[a-z]+)*$/, type);
      assert.match(entry.description, /^[A-Z][^\n]{10,200}\.$/, `${type}: one sentence`);
    }
    assert.equal(CATALOGUE.APPROVAL_GRANTED.type, 'orderly.order.approved');
  });

  it('serves each type’s data as JSON Schema: the timeline fields required, other fields tolerated', () => {
    const described = eventTypeDescriptions();
    assert.deepEqual(
      described.map((d) => d.timelineType),
      TIMELINE_TYPES,
    );
    for (const { type, dataSchema } of described) {
      const schema = dataSchema as { type: string; required: string[]; additionalProperties?: unknown };
      assert.equal(schema.type, 'object', type);
      for (const field of Object.keys(BASE_DATA))
        assert.ok(schema.required.includes(field), `${type}.${field}`);
      assert.equal(schema.additionalProperties, undefined, `${type}: consumers must accept added fields`);
      assert.equal(JSON.stringify(schema).includes('$schema'), false);
    }
  });
});
