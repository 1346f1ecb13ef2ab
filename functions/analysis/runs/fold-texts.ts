import type { LabelledText } from '../classifier';
import type { Random } from '../random';

/**
 * The labelled need texts the classifier trains on, kept as a stratified reservoir of at most
 * `cap` texts (20,000 by default): this is what keeps a run's memory bounded at a million needs —
 * the texts are the largest thing a run would otherwise hold per need.
 *
 * Up to the cap every labelled need is kept, so a tenant with fewer labelled needs trains on all
 * of them. Past it, each type keeps a uniform random sample of its needs, sized by water-filling:
 * the largest level L with Σ min(seen(type), L) ≤ cap, so a rare type keeps every one of its
 * needs and the common types share the rest equally. This keeps the rare types learnable (a
 * uniform sample of the whole would leave them a handful), at the price of class frequencies that
 * differ from the tenant's: the held-out metrics are those of the sample, which the run's summary
 * says (`sampled`). L only falls as needs arrive, and a type's sample is cut down by dropping
 * random members (a uniform subset of a uniform subset is uniform), then kept by reservoir
 * sampling (Algorithm R), so every need of a type has the same chance to be in the sample.
 */
export const DEFAULT_TEXT_CAP = 20_000;

interface Stratum {
  seen: number;
  kept: string[];
}

export class TextReservoir {
  private readonly strata = new Map<string, Stratum>();
  private readonly cap: number;
  private readonly random: Random;
  private kept = 0;
  /** Texts per type at most; unlimited until the cap is first reached. */
  private level = Number.POSITIVE_INFINITY;

  constructor(random: Random, cap = DEFAULT_TEXT_CAP) {
    this.random = random;
    this.cap = cap;
  }

  /** Labelled needs offered so far. */
  get seen(): number {
    let seen = 0;
    for (const stratum of this.strata.values()) seen += stratum.seen;
    return seen;
  }

  /** Whether some needs were left out (the sample is not all the labelled needs). */
  get sampled(): boolean {
    return this.kept < this.seen;
  }

  add(label: string, text: string): void {
    let stratum = this.strata.get(label);
    if (!stratum) {
      stratum = { seen: 0, kept: [] };
      this.strata.set(label, stratum);
    }
    stratum.seen++;
    if (stratum.kept.length < this.level && this.kept >= this.cap) this.lower();
    if (stratum.kept.length < Math.min(this.level, stratum.seen) && this.kept < this.cap) {
      stratum.kept.push(text);
      this.kept++;
      return;
    }
    // Full for this type: the new need replaces a kept one with probability kept/seen.
    const j = Math.floor(this.random() * stratum.seen);
    if (j < stratum.kept.length) stratum.kept[j] = text;
  }

  samples(): LabelledText[] {
    const out: LabelledText[] = [];
    for (const [label, stratum] of this.strata) for (const text of stratum.kept) out.push({ text, label });
    return out;
  }

  /** Per type: labelled needs seen, and kept. */
  counts(): Record<string, { seen: number; kept: number }> {
    return Object.fromEntries(
      [...this.strata].map(([label, s]) => [label, { seen: s.seen, kept: s.kept.length }]),
    );
  }

  /** The water level over what has been seen, and every type cut down to it. */
  private lower(): void {
    const seen = [...this.strata.values()].map((s) => s.seen).sort((a, b) => a - b);
    let left = this.cap;
    let level = Number.POSITIVE_INFINITY;
    for (let i = 0; i < seen.length; i++) {
      // The types from i on are the larger ones: each gets an equal share of what is left.
      const share = Math.floor(left / (seen.length - i));
      if ((seen[i] as number) > share) {
        level = share;
        break;
      }
      left -= seen[i] as number;
    }
    this.level = Math.min(this.level, level);
    for (const stratum of this.strata.values()) {
      while (stratum.kept.length > this.level) {
        const j = Math.floor(this.random() * stratum.kept.length);
        stratum.kept[j] = stratum.kept[stratum.kept.length - 1] as string;
        stratum.kept.pop();
        this.kept--;
      }
    }
  }
}
