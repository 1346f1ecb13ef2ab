import type * as z from 'zod';
import { type FieldIssue, ValidationError } from './errors';
import { quoteInput } from './quote-input';

/**
 * Turns zod issues into field issues named the way a client reads its own request. Field names
 * can be client input (an unknown key, a record key) and messages may quote it: both are cut.
 */
export function toFieldIssues(location: string, issues: readonly z.core.$ZodIssue[]): FieldIssue[] {
  return issues.flatMap((issue) => {
    const base = [location, ...issue.path.map(String)].join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: quoteInput(`${base}.${key}`), message: 'unknown field' }));
    }
    return [{ field: quoteInput(base), message: quoteInput(issue.message) }];
  });
}

export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, location: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(toFieldIssues(location, result.error.issues));
  return result.data;
}
