import { type LookupAddress, type LookupAllOptions, lookup } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { HttpError } from '../shared/http/errors';
import { quoteInput } from '../shared/http/quote-input';

/**
 * Where Orderly may send webhooks. In AWS only https URLs whose host resolves to public addresses,
 * checked at registration and again at every delivery (the address connected to is the one
 * checked: no DNS rebinding in between). The twin sets ORDERLY_WEBHOOK_ALLOW_PRIVATE=true so that
 * receivers on this machine (the partner simulator, tests) can be reached over plain http.
 */
export const ALLOW_PRIVATE_WEBHOOK_URLS_ENV = 'ORDERLY_WEBHOOK_ALLOW_PRIVATE';

export const privateUrlsAllowed = (
  env: Readonly<Record<string, string | undefined>> = process.env,
): boolean => env[ALLOW_PRIVATE_WEBHOOK_URLS_ENV] === 'true';

/** The URL may not be delivered to (422): why, naming the field it came from. */
export class UndeliverableUrlError extends HttpError {
  constructor(field: string, message: string) {
    super(422, 'webhook-url-not-allowed', 'The webhook URL is not allowed', `${field}: ${message}`, {
      errors: [{ field, message }],
    });
  }
}

// Everything that is not the public Internet: this host, private networks, the cloud's metadata
// service (169.254.169.254), carrier-grade NAT, documentation and benchmark ranges, multicast and
// the reserved block up to the broadcast address.
const NOT_PUBLIC_V4: readonly [string, number][] = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];
// IPv6 is public only inside global unicast (2000::/3), which leaves out ::, ::1, unique-local
// fc00::/7, link-local fe80::/10 and multicast ff00::/8; inside it, the IETF's special blocks
// (Teredo among them) and documentation are refused too. Addresses that embed an IPv4 address
// (mapped ::ffff:0:0/96, NAT64 64:ff9b::/96, 6to4 2002::/16) are judged by that address.
const NOT_PUBLIC_V6: readonly [string, number][] = [
  ['2001::', 23],
  ['2001:db8::', 32],
  ['3fff::', 20],
];

const notPublicV4 = new BlockList();
for (const [network, prefix] of NOT_PUBLIC_V4) notPublicV4.addSubnet(network, prefix, 'ipv4');
const notPublicV6 = new BlockList();
for (const [network, prefix] of NOT_PUBLIC_V6) notPublicV6.addSubnet(network, prefix, 'ipv6');
const globalUnicast = new BlockList();
globalUnicast.addSubnet('2000::', 3, 'ipv6');

/** Whether an address is on the public Internet (anything not an IP address is not). */
export function isPublicAddress(ip: string): boolean {
  const family = isIP(ip);
  if (family === 4) return !notPublicV4.check(ip, 'ipv4');
  if (family !== 6 || ip.includes('%')) return false;
  const groups = ipv6Groups(ip);
  if (!groups) return false;
  const embedded = embeddedIpv4(groups);
  if (embedded !== undefined) return isPublicAddress(embedded);
  return globalUnicast.check(ip, 'ipv6') && !notPublicV6.check(ip, 'ipv6');
}

/** The eight 16-bit groups of an IPv6 address (dotted IPv4 tails included). */
function ipv6Groups(ip: string): number[] | undefined {
  let normalized: string;
  try {
    // The URL parser writes any IPv6 form (a dotted tail too) as compressed hex groups.
    normalized = new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  } catch {
    return undefined;
  }
  const [head = '', tail] = normalized.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => Number.parseInt(g, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const groups = [...left, ...new Array(8 - left.length - right.length).fill(0), ...right];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g)) ? groups : undefined;
}

function embeddedIpv4(groups: readonly number[]): string | undefined {
  const g = (i: number) => groups[i] ?? 0;
  const v4 = (high: number, low: number) => `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
  const zeroUpTo = (n: number) => groups.slice(0, n).every((group) => group === 0);
  if (zeroUpTo(5) && g(5) === 0xffff) return v4(g(6), g(7)); // ::ffff:a.b.c.d
  if (zeroUpTo(6)) return v4(g(6), g(7)); // ::a.b.c.d (deprecated IPv4-compatible; :: and ::1 land here too)
  if (g(0) === 0x64 && g(1) === 0xff9b && groups.slice(2, 6).every((x) => x === 0)) return v4(g(6), g(7)); // NAT64 64:ff9b::a.b.c.d
  if (g(0) === 0x2002) return v4(g(1), g(2)); // 6to4 2002:aabb:ccdd::
  return undefined;
}

/**
 * Refuses (422 naming `field`) a URL Orderly must not deliver to. Always: not an absolute URL,
 * credentials in it, a fragment. In AWS mode also: not https, or a host that is (or resolves to)
 * any address that is not public. With private URLs allowed (the twin), http and any host pass.
 */
export async function assertDeliverableUrl(url: string, field = 'body.url'): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UndeliverableUrlError(field, 'must be an absolute URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new UndeliverableUrlError(field, 'must be an http(s) URL');
  if (parsed.username || parsed.password)
    throw new UndeliverableUrlError(field, 'must not carry credentials (user:password@)');
  if (url.includes('#')) throw new UndeliverableUrlError(field, 'must not have a fragment (#…)');
  if (privateUrlsAllowed()) return;
  if (parsed.protocol !== 'https:') throw new UndeliverableUrlError(field, 'must be an https URL');
  const host = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname;
  const addresses = isIP(host) ? [host] : await resolveAll(host, field);
  const refused = addresses.find((address) => !isPublicAddress(address));
  if (refused !== undefined)
    throw new UndeliverableUrlError(
      field,
      `must point to a public address: '${quoteInput(host)}' is ${refused === host ? '' : 'at '}${refused}, which is not`,
    );
}

async function resolveAll(host: string, field: string): Promise<string[]> {
  const addresses = await new Promise<LookupAddress[]>((resolve, reject) =>
    lookup(host, { all: true, verbatim: true }, (error, found) => (error ? reject(error) : resolve(found))),
  ).catch(() => {
    throw new UndeliverableUrlError(field, `its host '${quoteInput(host)}' does not resolve`);
  });
  if (addresses.length === 0)
    throw new UndeliverableUrlError(field, `its host '${quoteInput(host)}' does not resolve`);
  return addresses.map((a) => a.address);
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for `http(s).request` options: resolves the host and refuses to connect (error code
 * EPRIVATEADDRESS) when any address it resolves to is not public, unless private URLs are allowed
 * — so the address connected to is the address checked, whatever DNS answered at registration.
 * Node does not call `lookup` for an IP-literal host: check those with `assertDeliverableUrl`.
 */
export function guardedLookup(
  hostname: string,
  options: { family?: number | string; all?: boolean; hints?: number } | undefined,
  callback: LookupCallback,
): void {
  const all: LookupAllOptions = {
    ...(typeof options?.family === 'number' ? { family: options.family } : {}),
    ...(options?.hints === undefined ? {} : { hints: options.hints }),
    all: true,
  };
  lookup(hostname, all, (error, addresses) => {
    if (error) return callback(error, []);
    const refused = privateUrlsAllowed() ? undefined : addresses.find((a) => !isPublicAddress(a.address));
    if (refused) {
      const denied: NodeJS.ErrnoException = new Error(
        `${hostname} resolves to ${refused.address}, which is not a public address`,
      );
      denied.code = 'EPRIVATEADDRESS';
      return callback(denied, []);
    }
    const [first] = addresses;
    if (options?.all) return callback(null, addresses);
    if (!first) {
      const none: NodeJS.ErrnoException = new Error(`${hostname} does not resolve`);
      none.code = 'ENOTFOUND';
      return callback(none, []);
    }
    callback(null, first.address, first.family);
  });
}
