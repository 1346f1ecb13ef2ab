import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

/**
 * Client ids and secrets the twin issues in place of Cognito (in AWS, Cognito generates and
 * keeps them: no registry item there has a secret hash). The registry keeps a salted scrypt hash
 * only, so the secret is shown once, at creation, as Cognito shows it.
 */
const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;
const KEY_LENGTH = 32;
const SCHEME = 'scrypt';

/** Shaped like Cognito's (lowercase letters and digits, 26): random, so it tells nothing about when. */
export const newClientId = (): string =>
  Array.from(randomBytes(26), (byte) => '0123456789abcdefghijklmnopqrstuvwxyz'[byte % 36]).join('');

/** 256 random bits, URL-safe, so it needs no escaping in a form body or a Basic header. */
export const newClientSecret = (): string => randomBytes(32).toString('base64url');

export async function hashClientSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(secret, salt, KEY_LENGTH);
  return `${SCHEME}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

/** Whether `secret` is the one `stored` was made from; a hash it cannot read matches nothing. */
export async function clientSecretMatches(secret: string, stored: string | undefined): Promise<boolean> {
  const [scheme, salt, hash] = (stored ?? '').split('$');
  if (scheme !== SCHEME || !salt || !hash) {
    // The same work as a real check, so a missing client and a wrong secret take as long.
    await scryptAsync(secret, Buffer.alloc(16), KEY_LENGTH);
    return false;
  }
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scryptAsync(secret, Buffer.from(salt, 'base64url'), expected.length || KEY_LENGTH);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
