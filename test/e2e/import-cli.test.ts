import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type ApiClient, startTestTwin, type TestTwin } from '../support/twin';

/**
 * `npm run import` on the files people actually have: a DOS-era customer list in cp437, a CRM's
 * needs export with semicolons, decimal commas, day-first dates in Berlin time, a damaged byte,
 * a short row and values the API refuses — each bad row reported on its own, the good ones in —
 * and the mistakes that must stop an import before it sends anything.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'orderly-import-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let twin: TestTwin;
let api: ApiClient;
let token: string;

beforeAll(async () => {
  twin = await startTestTwin();
  token = await twin.token({ tenantId: `import-cli-${process.pid}`, userId: 'importer', roles: ['admin'] });
  api = twin.client(token);
});
afterAll(async () => {
  await twin?.stop();
});

const write = (name: string, content: string | Buffer | object) => {
  const path = join(work, name);
  writeFileSync(
    path,
    typeof content === 'object' && !Buffer.isBuffer(content) ? JSON.stringify(content) : content,
  );
  return path;
};

async function importCli(args: string[]) {
  const child = spawn('npm', ['run', '-s', 'import', '--', ...args, '--url', twin.url, '--token', token], {
    cwd: ROOT,
    env: { ...process.env, ORDERLY_DATA_DIR: join(work, 'data'), CI: '1' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  // 'close', not 'exit': the process may have exited with its last lines still in the pipes.
  const [code] = (await once(child, 'close')) as [number];
  return { code, stdout, stderr };
}

const reportOf = (path: string): string[] =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\r\n')
    .slice(1)
    .map((line) => line.split(',').slice(0, 5).join(' '));

describe('npm run import on real-world files', () => {
  it('a cp437 customer list: the names as they were typed, ë and ü included', async () => {
    // Zoë Müller in cp437: ë is 0x89, ü is 0x81; ß is 0xE1.
    const file = write(
      'kunden.csv',
      Buffer.from('Id,Name,Land\r\nK1,Zo\x89 M\x81ller,Germany\r\nK2,Stra\xe1enbau AG,AT\r\n', 'latin1'),
    );
    const map = write('kunden.json', {
      kind: 'customers',
      fields: {
        externalRef: { column: 'Id' },
        name: { column: 'Name' },
        'address.country': { column: 'Land', optional: true },
      },
    });
    const run = await importCli(['customers', file, '--map', map, '--encoding', 'cp437', '--json']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /cp437 \(given\)/);
    const summary = JSON.parse(run.stdout);
    assert.equal(summary.created, 2);
    const list = await api.get('/v1/customers?country=DE');
    assert.deepEqual(
      list.body.items.map((c: { name: string; externalRef: string }) => [c.externalRef, c.name]),
      [['K1', 'Zoë Müller']],
    );
  });

  it('a needs export: good rows in, each bad row reported with its row number and reason, a re-run sending nothing', async () => {
    const customer = await api.post('/v1/customers', { name: 'Café Anna', externalRef: 'C-1' });
    assert.equal(customer.status, 201, customer.text);
    const id = customer.body.id;
    const text = [
      'Ref;Kunde;Kanal;Titel;Wert;Eingang;Schlagworte',
      `N-1;${id};email;Needs a blue café table;1.234,50;03.12.2010 09:15;outdoor|urgent`,
      `N-2;${id};call;"Asks ""when"" the grüne cups come; twice";;05.12.2010 17:00;`,
      `N-3;${id};pigeon;Sends a bird;;05.12.2010 17:00;`,
      `N-4;${id};email;A date that is not;;31.02.2010 10:00;`,
      `N-5;${id};email;Too few fields`,
      `N-6;${id};email;A value past the cent;12,345;05.12.2010 17:00;`,
      `N-7;${id};email;Damaged K`,
    ].join('\n');
    // Row 8's "ö" lost its first byte: not UTF-8 (the file is otherwise UTF-8: detected).
    const bytes = Buffer.concat([
      Buffer.from(text, 'utf8'),
      Buffer.from([0xb6]),
      Buffer.from('ln;;05.12.2010 17:00;\n'),
    ]);
    const file = write('needs.csv', bytes);
    const map = write('needs.json', {
      kind: 'needs',
      delimiter: ';',
      timeZone: 'Europe/Berlin',
      fields: {
        externalRef: { column: 'Ref' },
        source: { const: 'crm-export' },
        customerId: { column: 'Kunde' },
        channel: { column: 'Kanal' },
        title: { column: 'Titel' },
        'estimatedValue.amountMinor': {
          column: 'Wert',
          type: 'minor',
          decimalSeparator: ',',
          thousandsSeparator: '.',
          optional: true,
        },
        'estimatedValue.currency': { const: 'EUR', with: 'estimatedValue.amountMinor' },
        receivedAt: { column: 'Eingang', type: 'datetime', format: 'DD.MM.YYYY HH:mm' },
        tags: { column: 'Schlagworte', type: 'list', separator: '|', optional: true },
      },
    });
    const run = await importCli(['needs', file, '--map', map, '--json']);
    assert.equal(run.code, 0, run.stderr);
    const summary = JSON.parse(run.stdout);
    assert.equal(summary.rows, 7);
    assert.equal(summary.created, 2);
    assert.equal(summary.rejected, 1);
    // Rows the file refuses are reported as they are read, the API's refusals when it answers.
    assert.deepEqual(reportOf(summary.reportFile).sort(), [
      '4 1  validation-error api',
      '5 1  unparseable-date file',
      '6 1  wrong-field-count file',
      '7 1  unparseable-number file',
      '8 1  bad-encoding file',
    ]);
    assert.match(
      readFileSync(summary.reportFile, 'utf8'),
      /Eingang: '31\.02\.2010 10:00' is not a date: day 31 of month 2/,
    );
    assert.match(readFileSync(summary.reportFile, 'utf8'), /Titel: byte 0xB6 at byte 10 is not valid UTF-8/);

    const needs = await api.get(`/v1/needs?customerId=${id}`);
    assert.equal(needs.status, 200, needs.text);
    const byRef = Object.fromEntries(
      needs.body.items.map((n: { externalRef: string }) => [n.externalRef, n]),
    );
    assert.deepEqual(
      [byRef['N-1'].title, byRef['N-1'].estimatedValue, byRef['N-1'].receivedAt, byRef['N-1'].tags],
      [
        'Needs a blue café table',
        { amountMinor: 123450, currency: 'EUR' },
        '2010-12-03T08:15:00.000Z',
        ['outdoor', 'urgent'],
      ],
    );
    assert.equal(byRef['N-2'].title, 'Asks "when" the grüne cups come; twice');
    assert.equal(byRef['N-2'].estimatedValue, undefined);

    const again = JSON.parse((await importCli(['needs', file, '--map', map, '--json'])).stdout);
    assert.deepEqual([again.created, again.existing, again.alreadyIn, again.rejected], [0, 0, 2, 1]);
  });

  it('stops before sending anything: a missing column, a mapping for another kind, an unknown encoding, no file', async () => {
    const file = write('people.csv', 'Id,Nom\nP1,Ann\n');
    const map = write('people.json', {
      kind: 'customers',
      fields: { externalRef: { column: 'Id' }, name: { column: 'Name' } },
    });
    const cases: [string[], RegExp][] = [
      [
        ['customers', file, '--map', map],
        /lacks the column the mapping needs: Name\. Its columns: Id, Nom\./,
      ],
      [['products', file, '--map', map], /is for customers, not products/],
      [['customers', file, '--map', map, '--encoding', 'ebcdic'], /Unknown encoding 'ebcdic'/],
      [['customers', join(work, 'nope.csv'), '--map', map], /Cannot read .*nope\.csv/],
      [['customers', file, '--map', write('bad.json', '{"kind":')], /is not JSON/],
    ];
    // Each is a process of its own: run side by side.
    const runs = await Promise.all(cases.map(([args]) => importCli(args)));
    cases.forEach(([args, message], i) => {
      const run = runs[i] as Awaited<ReturnType<typeof importCli>>;
      assert.equal(run.code, 1, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
      assert.doesNotMatch(run.stderr, /at .*\.ts:\d+/, 'a message, not a stack trace');
    });
    const usage = await importCli(['customers', file]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--map <mapping.json>/);
    const list = await api.get('/v1/customers?limit=100');
    assert.ok(
      !list.body.items.some((c: { externalRef?: string }) => c.externalRef === 'P1'),
      'nothing was sent',
    );
  });
});
