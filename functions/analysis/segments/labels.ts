/**
 * A short human label for a segment from its most distinctive features: the features whose
 * standardised centroid lies at least half a standard deviation from the average customer, the
 * farthest first, at most three, read in the table's column order ("recent, frequent, high
 * value"). A segment without such a feature is "typical".
 */

export interface Distinctive {
  feature: string;
  z: number;
}

/** The words for a feature far above / far below the average; null: not worth saying. */
const WORDS: Record<string, [above: string, below: string | null]> = {
  recency_days: ['lapsed', 'recent'],
  orders: ['frequent', 'infrequent'],
  revenue: ['high value', 'low value'],
  needs: ['many needs', 'few needs'],
  needs_value_avg: ['large needs', 'small needs'],
  days_since_need: ['no recent needs', 'recent needs'],
};

export const LABEL_THRESHOLD = 0.5;
const MAX_WORDS = 3;

/** What a feature far from average says about a segment, or null. */
export function describe(feature: string, z: number): string | null {
  const words = WORDS[feature];
  if (words) return z > 0 ? words[0] : words[1];
  if (feature.startsWith('need:')) {
    // Having fewer needs of a type than average is what most customers do: not a label.
    if (z < 0) return null;
    // "many complaint needs", "many damaged needs": a type slug is a noun or an adjective, so it
    // qualifies "needs" rather than taking a plural of its own ("many damageds").
    const type = feature.slice('need:'.length).replace(/[_-]+/g, ' ');
    return `many ${type} needs`;
  }
  return `${z > 0 ? 'high' : 'low'} ${feature}`;
}

/**
 * Labels for all segments at once, so that no two read the same: a segment whose label is taken
 * adds its next distinctive feature (down to a quarter of a standard deviation), and failing
 * that its number. `centroids[s]` holds segment s's standardised centroid, one z per feature.
 */
export function segmentLabels(
  features: readonly string[],
  centroids: readonly (readonly number[])[],
): string[] {
  const taken = new Set<string>();
  return centroids.map((z, segment) => {
    const ranked = features
      .map((feature, column) => ({
        column,
        z: z[column] as number,
        words: describe(feature, z[column] as number),
      }))
      .filter((entry) => entry.words !== null && Math.abs(entry.z) >= LABEL_THRESHOLD / 2)
      .sort((a, b) => Math.abs(b.z) - Math.abs(a.z));
    const strong = ranked.filter((entry) => Math.abs(entry.z) >= LABEL_THRESHOLD).slice(0, MAX_WORDS);
    let label = read(strong);
    for (let extra = strong.length; taken.has(label) && extra < ranked.length; extra++) {
      label = read(ranked.slice(0, extra + 1));
    }
    if (taken.has(label)) label = `${label} (${segment + 1})`;
    taken.add(label);
    return label;
  });
}

function read(entries: { column: number; words: string | null }[]): string {
  if (entries.length === 0) return 'typical';
  return [...entries]
    .sort((a, b) => a.column - b.column)
    .map((entry) => entry.words)
    .join(', ');
}
