/** `npm run docs:events`: rewrites docs/events.md from the event catalogue. */
import { writeFileSync } from 'node:fs';
import { eventsMarkdown } from './docs/event-types';

writeFileSync(new URL('../docs/events.md', import.meta.url), eventsMarkdown());
process.stdout.write('docs/events.md written\n');
