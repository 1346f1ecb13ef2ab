/**
 * A command line `npm run evaluate` cannot run: a missing or malformed option, a column the file
 * does not have. main.ts prints the message with the usage and exits 2; any other error exits 1.
 * (node:util's parseArgs errors, code `ERR_PARSE_ARGS_…`, count as usage errors too.)
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const isUsageError = (error: unknown): boolean =>
  error instanceof UsageError ||
  String((error as { code?: unknown })?.code ?? '').startsWith('ERR_PARSE_ARGS');
