import { chmodSync, linkSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The twin's secrets on disk — `.data/` with the development signing key (it signs tokens of any
 * role in any tenant), the cursor key and the tables — readable by their owner only, as ssh
 * keeps its keys.
 *
 * Two different answers to "too open", on purpose:
 * - The data directory is tightened to 0700, with one line on stderr. Versions before this one
 *   made it 0755 and it holds only the twin's own files, so closing it changes nothing for
 *   anyone entitled to it, and refusing to start would only be in the way.
 * - A key file is refused, not tightened. The twin writes it 0600, so a looser one was opened by
 *   someone, and whoever else could read it may have copied it already: chmod-ing it quietly
 *   would hide that. Its owner decides, with the exact command in the message: close it again,
 *   or delete it so that a new key is made (like ssh, which refuses an open private key).
 */

const OWNER_ONLY_DIRECTORY = 0o700;
const OWNER_ONLY_FILE = 0o600;
/** Any permission of the group or of others. */
const OPEN_TO_OTHERS = 0o077;

const modeOf = (path: string) => statSync(path).mode & 0o777;
const octal = (mode: number) => `0${mode.toString(8).padStart(3, '0')}`;
/** A path as a shell word, quoted only when it needs to be. */
const shellWord = (path: string) =>
  /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replaceAll("'", "'\\''")}'`;

/** Creates `dir` 0700, or makes an existing one 0700 when the group or others have any access to it. */
export function preparePrivateDirectory(dir: string, warn: (line: string) => void = console.error): void {
  mkdirSync(dir, { recursive: true, mode: OWNER_ONLY_DIRECTORY });
  const mode = modeOf(dir);
  if ((mode & OPEN_TO_OTHERS) === 0) return;
  chmodSync(dir, OWNER_ONLY_DIRECTORY);
  warn(
    `${dir} was open to other users (mode ${octal(mode)}); it holds the twin's keys, so it is now 0700 (owner only).`,
  );
}

/** The file's text; refuses a file the group or others may read or write, telling how to close it. */
export function readPrivateFile(file: string): string {
  const mode = modeOf(file);
  if (mode & OPEN_TO_OTHERS) {
    throw new Error(
      `Permissions ${octal(mode)} for ${file} are too open: it holds a private key, and only its owner may have access. ` +
        `Close it with:\n  chmod 600 ${shellWord(file)}\n` +
        'or delete it to have a new key made (what the old key signed stops being accepted).',
    );
  }
  return readFileSync(file, 'utf8');
}

/**
 * Writes a new key file, 0600, creating its directory 0700 if missing (an existing directory is
 * left as it is: it may be anyone's). The file appears whole or not at all (written aside, then
 * linked into place); when another process made it first, its content wins and is returned, so
 * both go on with the same key.
 */
export function writePrivateFile(file: string, content: string): string {
  mkdirSync(dirname(file), { recursive: true, mode: OWNER_ONLY_DIRECTORY });
  const aside = `${file}.${process.pid}.new`;
  rmSync(aside, { force: true }); // a leftover would keep its own mode
  writeFileSync(aside, content, { mode: OWNER_ONLY_FILE, flag: 'wx' });
  try {
    linkSync(aside, file);
    return content;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readPrivateFile(file);
    throw error;
  } finally {
    rmSync(aside, { force: true });
  }
}
