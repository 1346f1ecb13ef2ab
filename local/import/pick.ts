import type { Pick } from './mapping';
import { type FieldValue, OMIT } from './row-mapper';

/**
 * When several rows make one item (an order's rows, a customer on every invoice line), each field
 * keeps a tally of the values its rows gave and picks one by the mapping's rule: `same` (all
 * rows must agree — the default, so a disagreement is refused, not silently resolved), `first`,
 * `last`, `min`, `max` (numbers by value, text and ISO dates in order) or `mostCommon` (ties go
 * to the value seen last). Empty cells give no value and are not candidates. Memory: one entry
 * per distinct value (`mostCommon`) or one value (the others).
 */
export class FieldTally {
  private readonly pick: Pick;
  private chosen: FieldValue = OMIT;
  private chosenRow = 0;
  private conflict: { value: FieldValue; row: number } | undefined;
  private counts: Map<string, { value: FieldValue; count: number; lastSeen: number }> | undefined;
  private seen = 0;

  constructor(pick: Pick = 'same') {
    this.pick = pick;
    if (pick === 'mostCommon') this.counts = new Map();
  }

  add(value: FieldValue, row: number): void {
    if (value === OMIT) return;
    this.seen++;
    if (this.counts) {
      const id = JSON.stringify(value);
      const entry = this.counts.get(id);
      if (entry) {
        entry.count++;
        entry.lastSeen = this.seen;
      } else this.counts.set(id, { value, count: 1, lastSeen: this.seen });
      return;
    }
    if (this.chosen === OMIT) {
      this.chosen = value;
      this.chosenRow = row;
      return;
    }
    switch (this.pick) {
      case 'same':
        if (!this.conflict && JSON.stringify(value) !== JSON.stringify(this.chosen))
          this.conflict = { value, row };
        return;
      case 'last':
        this.chosen = value;
        return;
      case 'min':
        if (value < this.chosen) this.chosen = value;
        return;
      case 'max':
        if (value > this.chosen) this.chosen = value;
        return;
      default: // first
        return;
    }
  }

  /** The picked value (OMIT when no row gave one), or a message when `same` rows disagreed. */
  result(label: string): { value: FieldValue } | { conflict: string } {
    if (this.conflict)
      return {
        conflict: `${label} differs between rows: ${show(this.chosen)} (row ${this.chosenRow}) and ${show(this.conflict.value)} (row ${this.conflict.row})`,
      };
    if (this.counts) {
      let best: { value: FieldValue; count: number; lastSeen: number } | undefined;
      for (const entry of this.counts.values())
        if (
          !best ||
          entry.count > best.count ||
          (entry.count === best.count && entry.lastSeen > best.lastSeen)
        )
          best = entry;
      return { value: best ? best.value : OMIT };
    }
    return { value: this.chosen };
  }
}

const show = (value: FieldValue) => (typeof value === 'string' ? `'${value}'` : String(value));
