/**
 * Problems may quote what the client sent (a path, an id, a header, a field name), but never
 * much of it: a 10 KB id must not come back as a 10 KB error, nor fill logs and dashboards that
 * show problem details. Quotes are cut at 200 characters with an ellipsis.
 */
export const MAX_QUOTED_CHARS = 200;

export function quoteInput(value: string, max = MAX_QUOTED_CHARS): string {
  if (value.length <= max) return value;
  let end = max;
  // Never cut a surrogate pair in two: half a character is not text.
  const last = value.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${value.slice(0, end)}…`;
}
