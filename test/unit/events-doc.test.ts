import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { CLOUD_EVENT_TYPES } from '../../functions/events/catalogue';
import { eventsMarkdown } from '../../scripts/docs/event-types';

describe('docs/events.md', () => {
  it('says what the event catalogue says (regenerate with npm run docs:events)', () => {
    const file = readFileSync(new URL('../../docs/events.md', import.meta.url), 'utf8');
    assert.equal(file, eventsMarkdown(), 'docs/events.md is out of date: npm run docs:events');
  });

  it('is pointed to by the README, which names every event type', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.split('### Domain events')[1]?.split(/\n##/)[0] ?? '';
    assert.ok(section.includes('docs/events.md'), 'the README’s Domain events section links docs/events.md');
    for (const type of CLOUD_EVENT_TYPES) {
      const name = type.replace('orderly.order.', '');
      assert.ok(section.includes(`\`${name}\``), `the README names ${type}`);
    }
  });
});
