import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { describe, it, vi } from 'vitest';
import { guardedLookup } from '../../functions/webhooks/url-policy';

/**
 * `guardedLookup` when the resolver answers with no address at all: DNS answers are stubbed here
 * (this machine has no resolver to ask), by name, through `node:dns`'s `lookup`.
 */
const { ANSWERS, calls } = vi.hoisted(() => ({
  ANSWERS: { 'nowhere.example': [] } as Record<string, LookupAddress[]>,
  calls: [] as [string, unknown][],
}));

vi.mock('node:dns', async (importOriginal) => {
  const dns = await importOriginal<typeof import('node:dns')>();
  const lookup = (
    hostname: string,
    options: unknown,
    callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
  ) => {
    calls.push([hostname, options]);
    const answer = ANSWERS[hostname];
    if (answer) process.nextTick(callback, null, answer);
    else
      process.nextTick(
        callback,
        Object.assign(new Error(`no stubbed answer for ${hostname}`), { code: 'EAI_AGAIN' }),
        [],
      );
  };
  return { ...dns, default: { ...dns, lookup }, lookup };
});

type Answer = { error: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number };
const lookUp = (hostname: string, options: Parameters<typeof guardedLookup>[1]) =>
  new Promise<Answer>((resolve) =>
    guardedLookup(hostname, options, (error, address, family) => resolve({ error, address, family })),
  );

describe('a host that resolves to no address', () => {
  it('fails a single-address lookup with ENOTFOUND, naming the host', async () => {
    calls.length = 0;
    const { error, address, family } = await lookUp('nowhere.example', { family: 4 });
    assert.ok(error instanceof Error);
    assert.equal(error.code, 'ENOTFOUND');
    assert.equal(error.message, 'nowhere.example does not resolve');
    assert.deepEqual(address, []);
    assert.equal(family, undefined);
    assert.deepEqual(calls, [['nowhere.example', { family: 4, all: true }]]);
  });

  it('answers a lookup of all addresses with none, and no error', async () => {
    const answer = await lookUp('nowhere.example', { all: true });
    assert.deepEqual(answer, { error: null, address: [], family: undefined });
  });
});
