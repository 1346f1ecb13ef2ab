import assert from 'node:assert/strict';
import { lookup } from 'node:dns/promises';
import { afterEach, describe, it } from 'vitest';
import {
  ALLOW_PRIVATE_WEBHOOK_URLS_ENV,
  assertDeliverableUrl,
  isPublicAddress,
  privateUrlsAllowed,
  UndeliverableUrlError,
} from '../../functions/webhooks/url-policy';

const NOT_PUBLIC = [
  ['0.0.0.0', 'this network'],
  ['0.1.2.3', 'this network'],
  ['10.1.2.3', 'private 10/8'],
  ['100.64.0.1', 'carrier-grade NAT'],
  ['100.127.255.254', 'carrier-grade NAT'],
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['169.254.169.254', 'cloud metadata (link-local)'],
  ['169.254.0.1', 'link-local'],
  ['172.16.0.1', 'private 172.16/12'],
  ['172.31.255.255', 'private 172.16/12'],
  ['192.168.1.1', 'private 192.168/16'],
  ['192.0.2.10', 'documentation'],
  ['198.18.0.1', 'benchmarking'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['240.0.0.1', 'reserved'],
  ['255.255.255.255', 'broadcast'],
  ['::', 'unspecified'],
  ['::1', 'IPv6 loopback'],
  ['fc00::1', 'unique local'],
  ['fd12:3456::1', 'unique local'],
  ['fe80::1', 'link-local'],
  ['fe80::1%eth0', 'link-local with a zone'],
  ['ff02::1', 'multicast'],
  ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
  ['::ffff:10.0.0.1', 'IPv4-mapped private'],
  ['::ffff:a9fe:a9fe', 'IPv4-mapped metadata, in hex'],
  ['::127.0.0.1', 'IPv4-compatible loopback'],
  ['64:ff9b::10.0.0.1', 'NAT64 of a private address'],
  ['2002:0a00:0001::1', '6to4 of a private address'],
  ['2001:db8::1', 'documentation'],
  ['2001::1', 'Teredo'],
  ['localhost', 'not an address at all'],
  ['', 'empty'],
] as const;

const PUBLIC = [
  '8.8.8.8',
  '1.1.1.1',
  '93.184.216.34',
  '172.15.255.255',
  '172.32.0.1',
  '100.63.255.255',
  '100.128.0.1',
  '2606:4700:4700::1111',
  '2a00:1450:4001:80b::200e',
  '::ffff:8.8.8.8',
  '64:ff9b::8.8.8.8',
  '2002:0808:0808::1',
];

describe('which addresses are public', () => {
  it('refuses loopback, private, link-local, CGNAT, multicast, broadcast, reserved and their IPv6 forms', () => {
    for (const [ip, what] of NOT_PUBLIC) assert.equal(isPublicAddress(ip), false, `${ip} (${what})`);
  });

  it('accepts addresses on the public Internet, IPv4 and IPv6, embedded ones too', () => {
    for (const ip of PUBLIC) assert.equal(isPublicAddress(ip), true, ip);
  });
});

const refused = async (url: string, message: RegExp, field = 'body.url') =>
  assert.rejects(assertDeliverableUrl(url, field), (error: unknown) => {
    assert.ok(error instanceof UndeliverableUrlError, String(error));
    assert.equal(error.statusCode, 422);
    assert.equal(error.type, 'webhook-url-not-allowed');
    assert.equal(error.title, 'The webhook URL is not allowed');
    const [issue] = error.extensions.errors as { field: string; message: string }[];
    assert.equal(issue?.field, field);
    assert.match(issue?.message ?? '', message);
    assert.equal(error.detail, `${field}: ${issue?.message}`);
    return true;
  });

describe('URLs Orderly may deliver to', () => {
  const saved = process.env[ALLOW_PRIVATE_WEBHOOK_URLS_ENV];
  const awsMode = () => delete process.env[ALLOW_PRIVATE_WEBHOOK_URLS_ENV];
  const twinMode = () => {
    process.env[ALLOW_PRIVATE_WEBHOOK_URLS_ENV] = 'true';
  };
  afterEach(() => {
    if (saved === undefined) delete process.env[ALLOW_PRIVATE_WEBHOOK_URLS_ENV];
    else process.env[ALLOW_PRIVATE_WEBHOOK_URLS_ENV] = saved;
  });

  it('allows private URLs only when the environment says exactly "true"', () => {
    assert.equal(privateUrlsAllowed({ [ALLOW_PRIVATE_WEBHOOK_URLS_ENV]: 'true' }), true);
    for (const value of [undefined, '', 'false', '1', 'TRUE', 'yes'])
      assert.equal(privateUrlsAllowed({ [ALLOW_PRIVATE_WEBHOOK_URLS_ENV]: value }), false, String(value));
  });

  it('in AWS mode, refuses every URL whose host is an address that is not public', async () => {
    awsMode();
    for (const [ip] of NOT_PUBLIC.filter(([ip]) => ip.includes('.') || ip.includes(':'))) {
      if (ip.includes('%')) continue; // a zone id is not valid in a URL at all
      const host = ip.includes(':') ? `[${ip}]` : ip;
      await refused(`https://${host}/hooks`, /must point to a public address/);
    }
  });

  it('in AWS mode, says which address was refused: the host itself, or the address a name resolves to', async () => {
    awsMode();
    const message = async (url: string) => {
      let said: string | undefined;
      await assert.rejects(assertDeliverableUrl(url), (error: unknown) => {
        assert.ok(error instanceof UndeliverableUrlError, String(error));
        said = (error.extensions.errors as { message: string }[])[0]?.message;
        return true;
      });
      return said;
    };
    assert.equal(
      await message('https://127.0.0.1/hooks'),
      "must point to a public address: '127.0.0.1' is 127.0.0.1, which is not",
    );
    const [first] = await lookup('localhost', { all: true, verbatim: true });
    assert.equal(
      await message('https://localhost/hooks'),
      `must point to a public address: 'localhost' is at ${first?.address}, which is not`,
    );
  });

  it('in AWS mode, accepts https to a public address and refuses plain http, naming the field', async () => {
    awsMode();
    await assertDeliverableUrl('https://8.8.8.8/hooks?x=1');
    await assertDeliverableUrl('https://[2606:4700:4700::1111]:8443/hooks');
    await refused('http://8.8.8.8/hooks', /https/, 'body.endpoint.url');
  });

  it('in AWS mode, refuses IPv4 written the unusual ways the URL parser reads as loopback', async () => {
    awsMode();
    for (const url of ['https://2130706433/', 'https://0x7f.1/', 'https://127.1/', 'https://0177.0.0.1/'])
      await refused(url, /public address/);
  });

  it('refuses credentials, fragments and other schemes whatever the mode', async () => {
    for (const mode of [awsMode, twinMode]) {
      mode();
      await refused('https://user:pass@8.8.8.8/hooks', /credentials/);
      await refused('https://user@8.8.8.8/hooks', /credentials/);
      await refused('https://8.8.8.8/hooks#part', /fragment/);
      await refused('https://8.8.8.8/hooks#', /fragment/);
      await refused('ftp://8.8.8.8/hooks', /http\(s\)/);
      await refused('not a url', /absolute URL/);
    }
  });

  it('in the twin, allows http and private hosts', async () => {
    twinMode();
    await assertDeliverableUrl('http://127.0.0.1:8080/hooks');
    await assertDeliverableUrl('http://[::1]:8080/hooks');
    await assertDeliverableUrl('https://10.1.2.3/hooks');
  });
});
