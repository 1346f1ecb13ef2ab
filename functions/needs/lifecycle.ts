/**
 * The need lifecycle (docs/design.md §2): `NEW → QUALIFIED → IN_PROGRESS → FULFILLED | DECLINED`.
 * Besides the main line, what people working a pipeline do:
 * - DECLINED from NEW and QUALIFIED too: most needs that are declined are declined before work starts;
 * - NEW → IN_PROGRESS: an order answers a need nobody qualified first (the link to orders does
 *   exactly this), and a person may do the same by hand;
 * - IN_PROGRESS → QUALIFIED: the order that answered it was cancelled or rejected, and the need is
 *   open again. The system never does this by itself (a person decides whether the need still stands).
 * FULFILLED and DECLINED are final: a person's decision stays as they made it.
 */
export const NEED_STATUSES = ['NEW', 'QUALIFIED', 'IN_PROGRESS', 'FULFILLED', 'DECLINED'] as const;
export type NeedStatus = (typeof NEED_STATUSES)[number];

const NEXT: Record<NeedStatus, readonly NeedStatus[]> = {
  NEW: ['QUALIFIED', 'IN_PROGRESS', 'DECLINED'],
  QUALIFIED: ['IN_PROGRESS', 'DECLINED'],
  IN_PROGRESS: ['FULFILLED', 'DECLINED', 'QUALIFIED'],
  FULFILLED: [],
  DECLINED: [],
};

export const canMove = (from: NeedStatus, to: NeedStatus) => NEXT[from].includes(to);

export const allowedFrom = (from: NeedStatus): readonly NeedStatus[] => NEXT[from];

export const isFinalNeedStatus = (status: NeedStatus) => NEXT[status].length === 0;
