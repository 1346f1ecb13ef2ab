/**
 * The size DynamoDB counts for an item, by its documented rules ("Item sizes and formats"):
 * attribute names and string values as UTF-8 bytes, a number about one byte per two significant
 * digits plus one, a boolean or null one byte, a list or map 3 bytes plus, per element, its value
 * (and name) plus one. An item may hold 400 KB: an imported order of many lines with long product
 * names can pass it, and is refused before the write rather than by DynamoDB's ValidationException.
 */
export const MAX_ITEM_BYTES = 400 * 1024;

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

function numberSize(value: number): number {
  const digits = Math.abs(value).toString().replace('.', '').replace(/e.*$/i, '');
  const significant = digits.replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(significant.length, 1) / 2) + 1;
}

export function valueSize(value: unknown): number {
  if (typeof value === 'string') return utf8(value);
  if (typeof value === 'number') return numberSize(value);
  if (typeof value === 'boolean' || value === null) return 1;
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, v) => sum + valueSize(v) + 1, 0);
  if (typeof value === 'object')
    return (
      3 +
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .reduce((sum, [k, v]) => sum + utf8(k) + valueSize(v) + 1, 0)
    );
  return 0;
}

export const itemSize = (item: Record<string, unknown>) =>
  Object.entries(item)
    .filter(([, v]) => v !== undefined)
    .reduce((sum, [name, value]) => sum + utf8(name) + valueSize(value), 0);
