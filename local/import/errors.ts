/**
 * What stops an import for a reason the user can act on — a mapping that is not valid, a column
 * the file lacks, an encoding that does not exist, an API that refuses the token. The command
 * prints the message and exits 1; anything else is a bug and keeps its stack trace.
 */
export class ImportError extends Error {
  override name = 'ImportError';
}
