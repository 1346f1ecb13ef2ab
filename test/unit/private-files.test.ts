import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'vitest';
import { loadOrCreateCursorKey } from '../../local/cursor-key';
import { loadOrCreateSigningKey } from '../../local/gateway/dev-tokens';
import { preparePrivateDirectory, writePrivateFile } from '../../local/private-files';

/**
 * The twin's data directory and key files as `ls -l` shows them: the directory owner-only
 * (0700), the keys 0600; an open directory is closed with a word on stderr, an open key is
 * refused with the command that closes it.
 */
const modeOf = (path: string) => statSync(path).mode & 0o777;
const made: string[] = [];
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), 'orderly-private-'));
  made.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the twin’s data directory and keys are its owner’s only', () => {
  it('a fresh data directory is 0700 and its keys 0600, made once', async () => {
    const data = join(scratch(), '.data');
    const warnings: string[] = [];
    preparePrivateDirectory(data, (line) => warnings.push(line));
    assert.equal(modeOf(data), 0o700);
    assert.deepEqual(warnings, [], 'nothing to say about a directory it made itself');

    const signing = join(data, 'dev-signing-key.json');
    const key = await loadOrCreateSigningKey(signing);
    assert.equal(modeOf(signing), 0o600);
    assert.deepEqual(await loadOrCreateSigningKey(signing), key);
    const cursor = join(data, 'cursor-key');
    const cursorKey = loadOrCreateCursorKey(cursor);
    assert.equal(modeOf(cursor), 0o600);
    assert.equal(loadOrCreateCursorKey(cursor), cursorKey);
  });

  it('a key made where no directory is yet makes the directory 0700 too', () => {
    const file = join(scratch(), 'new', 'cursor-key');
    loadOrCreateCursorKey(file);
    assert.equal(modeOf(join(file, '..')), 0o700);
    assert.equal(modeOf(file), 0o600);
  });

  it('tightens a data directory others can open to 0700, and says so once', () => {
    const data = join(scratch(), '.data');
    mkdirSync(data);
    chmodSync(data, 0o755);
    const warnings: string[] = [];
    preparePrivateDirectory(data, (line) => warnings.push(line));
    assert.equal(modeOf(data), 0o700);
    preparePrivateDirectory(data, (line) => warnings.push(line));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] as string, /was open to other users \(mode 0755\).*now 0700/);
  });

  it('refuses a key file the group or others may read, with the chmod that closes it, and leaves it as it is', async () => {
    const data = join(scratch(), 'with space');
    const signing = join(data, 'dev-signing-key.json');
    const key = await loadOrCreateSigningKey(signing);
    const cursor = join(data, 'cursor-key');
    const cursorKey = loadOrCreateCursorKey(cursor);
    for (const mode of [0o644, 0o640, 0o604, 0o660]) {
      chmodSync(signing, mode);
      chmodSync(cursor, mode);
      const told = (file: string) => (error: unknown) => {
        assert.ok(error instanceof Error);
        assert.match(error.message, new RegExp(`Permissions 0${mode.toString(8)} for .* are too open`));
        assert.ok(error.message.includes(`chmod 600 '${file}'`), error.message);
        return true;
      };
      await assert.rejects(loadOrCreateSigningKey(signing), told(signing));
      assert.throws(() => loadOrCreateCursorKey(cursor), told(cursor));
      assert.equal(modeOf(signing), mode, 'not tightened behind the owner’s back');
    }
    chmodSync(signing, 0o600);
    chmodSync(cursor, 0o600);
    assert.deepEqual(await loadOrCreateSigningKey(signing), key, 'after the chmod, the same key');
    assert.equal(loadOrCreateCursorKey(cursor), cursorKey);
  });

  it('quotes no path that needs none, so the command can be pasted as it is', () => {
    const file = join(scratch(), 'cursor-key');
    loadOrCreateCursorKey(file);
    chmodSync(file, 0o644);
    assert.throws(
      () => loadOrCreateCursorKey(file),
      (error: Error) => error.message.includes(`chmod 600 ${file}\n`),
    );
  });

  it('a key another process made first wins, and no file is left aside', () => {
    const dir = scratch();
    const file = join(dir, 'cursor-key');
    assert.equal(writePrivateFile(file, 'first'), 'first');
    assert.equal(writePrivateFile(file, 'second'), 'first');
    assert.equal(readFileSync(file, 'utf8'), 'first');
    assert.equal(modeOf(file), 0o600);
    assert.deepEqual(readdirSync(dir), ['cursor-key']);
  });
});
