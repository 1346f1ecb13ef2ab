/**
 * The best `capacity` neighbours of one item, kept while pairs stream past: a min-heap on score,
 * so an offer costs O(log capacity) and memory stays capacity entries per item whatever the
 * number of pairs. Ties go to the smaller id, so the result does not depend on the order pairs
 * are visited in (the hash table's).
 */
export class TopNeighbours {
  private readonly ids: number[] = [];
  private readonly scores: number[] = [];
  private readonly capacity: number;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  offer(id: number, score: number): void {
    const { ids, scores } = this;
    if (ids.length < this.capacity) {
      ids.push(id);
      scores.push(score);
      this.siftUp(ids.length - 1);
    } else if (this.capacity > 0 && beats(score, id, scores[0] as number, ids[0] as number)) {
      ids[0] = id;
      scores[0] = score;
      this.siftDown(0);
    }
  }

  /** The neighbours kept, best first. */
  sorted(): { id: number; score: number }[] {
    return this.ids
      .map((id, i) => ({ id, score: this.scores[i] as number }))
      .sort((x, y) => y.score - x.score || x.id - y.id);
  }

  private siftUp(at: number): void {
    let i = at;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private siftDown(at: number): void {
    const n = this.ids.length;
    let i = at;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let least = i;
      if (left < n && this.less(left, least)) least = left;
      if (right < n && this.less(right, least)) least = right;
      if (least === i) return;
      this.swap(i, least);
      i = least;
    }
  }

  /** The heap's order: entry i is worse than entry j, so nearer the root, where the worst is. */
  private less(i: number, j: number): boolean {
    const { ids, scores } = this;
    return beats(scores[j] as number, ids[j] as number, scores[i] as number, ids[i] as number);
  }

  private swap(i: number, j: number): void {
    const { ids, scores } = this;
    [ids[i], ids[j]] = [ids[j] as number, ids[i] as number];
    [scores[i], scores[j]] = [scores[j] as number, scores[i] as number];
  }
}

/** Whether neighbour a ranks before neighbour b: a higher score, or the same score and a smaller id. */
const beats = (aScore: number, aId: number, bScore: number, bId: number) =>
  aScore > bScore || (aScore === bScore && aId < bId);
