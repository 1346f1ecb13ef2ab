import type { Evaluation } from '../orders/schemas';
import type { OrderStatus } from '../orders/status';
import { toNeed } from './records';
import type { Fulfilment, Need } from './schemas';
import type { StatusStep } from './store';

/** What the link reads of an order that names needs in its `needIds`. */
export interface LinkedOrder {
  id: string;
  number: string;
  status: OrderStatus;
  evaluation?: Evaluation;
  feedback?: { rating: number; comment?: string; at?: string };
}

/** Orders that ended without answering anything: they link, but move no need. */
const FAILED: readonly OrderStatus[] = ['REJECTED', 'CANCELLED'];

/**
 * A need brought up to date with an order that answers it — pure, and a function of the order's
 * state rather than of the event that told us about it, so a record delivered twice, late or out
 * of order changes nothing the second time:
 * - the order's id joins `orderIds`;
 * - a live or closed order moves a NEW or QUALIFIED need to IN_PROGRESS;
 * - a CLOSED order fulfils an IN_PROGRESS need with the order's evaluation, unless the need opted
 *   out (`autoFulfil: false`); an imported order, CLOSED already, takes a NEW need through both
 *   steps in one change, each with its history record;
 * - the customer's feedback on the fulfilling order joins the fulfilment when it arrives.
 * FULFILLED and DECLINED needs keep their status and fulfilment: a person (or an earlier order)
 * decided. Undefined when nothing changes.
 */
export function linkedNeed(
  need: Need,
  order: LinkedOrder,
  at: string,
): { after: Need; steps: StatusStep[] } | undefined {
  const next: Need = { ...need };
  const steps: StatusStep[] = [];
  let changed = false;
  if (!(need.orderIds ?? []).includes(order.id)) {
    next.orderIds = [...(need.orderIds ?? []), order.id];
    changed = true;
  }
  const move = (to: Need['status'], reason: string) => {
    steps.push({ from: next.status, to, reason, orderId: order.id });
    next.status = to;
    next.statusChangedAt = at;
    changed = true;
  };
  if (!FAILED.includes(order.status) && (next.status === 'NEW' || next.status === 'QUALIFIED'))
    move('IN_PROGRESS', `order ${order.number} answers it`);
  if (order.status === 'CLOSED' && order.evaluation && next.status === 'IN_PROGRESS' && next.autoFulfil) {
    move('FULFILLED', `order ${order.number} closed`);
    next.fulfilment = {
      orderId: order.id,
      orderNumber: order.number,
      evaluation: order.evaluation,
      ...(order.feedback ? { feedback: feedbackOf(order.feedback) } : {}),
      fulfilledAt: at,
    };
  } else if (next.fulfilment?.orderId === order.id && order.feedback && !next.fulfilment.feedback) {
    next.fulfilment = { ...next.fulfilment, feedback: feedbackOf(order.feedback) };
    changed = true;
  }
  if (!changed) return undefined;
  return { after: toNeed({ ...next, version: need.version + 1, updatedAt: at }), steps };
}

const feedbackOf = (feedback: NonNullable<LinkedOrder['feedback']>): NonNullable<Fulfilment['feedback']> => ({
  rating: feedback.rating,
  ...(feedback.comment === undefined ? {} : { comment: feedback.comment }),
  ...(feedback.at === undefined ? {} : { at: feedback.at }),
});
