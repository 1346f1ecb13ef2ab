import { EXPORT_ROWS } from './schemas';

/**
 * The `Link` header of an export part that has more after it (RFC 8288): the same filters and
 * page size with the next cursor. The filters are the validated ones (periods as stored instants).
 */
export function nextLink(
  query: Record<string, string | number | undefined>,
  cursor: string | undefined,
): Record<string, string> {
  if (cursor === undefined) return {};
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || name === 'cursor' || (name === 'limit' && value === EXPORT_ROWS)) continue;
    params.set(name, String(value));
  }
  params.set('cursor', cursor);
  return { link: `</v1/needs/export?${params.toString()}>; rel="next"` };
}
