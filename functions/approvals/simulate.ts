import { decide } from './engine';
import { Decision, Facts, type RuleSet } from './rules';
import type { DecisionSummary, SimulationReport } from './schemas';

/** One decided order as the orders store gives it: the decision and the facts it was made on. */
export interface RecentDecision {
  orderId: string;
  orderNumber: string;
  createdAt: string;
  decision: unknown;
  facts: unknown;
}

/**
 * Re-decides recent orders with candidate rules, on the facts stored with each decision (nothing
 * is read again), and reports which decisions would change. A decision changes when its outcome,
 * rejection reason or approval levels differ; the rule that fires alone (a renamed rule with the
 * same effect) is no change. Records that do not parse are counted as skipped, not guessed at.
 */
export function simulate(candidate: RuleSet, recent: readonly RecentDecision[]): SimulationReport {
  const report: SimulationReport = { evaluated: 0, changed: 0, unchanged: 0, skipped: 0, changes: [] };
  for (const order of recent) {
    const current = Decision.safeParse(order.decision);
    const facts = Facts.safeParse(order.facts);
    if (!current.success || !facts.success) {
      report.skipped++;
      continue;
    }
    const before = summaryOf(current.data);
    const after = summaryOf(decide(candidate, facts.data));
    report.evaluated++;
    if (effectOf(before) === effectOf(after)) {
      report.unchanged++;
    } else {
      report.changed++;
      report.changes.push({
        orderId: order.orderId,
        orderNumber: order.orderNumber,
        createdAt: order.createdAt,
        current: before,
        candidate: after,
      });
    }
  }
  return report;
}

function summaryOf(decision: Decision): DecisionSummary {
  return {
    ruleId: decision.ruleId,
    outcome: decision.outcome,
    ...(decision.reason === undefined ? {} : { reason: decision.reason }),
    levels: (decision.levels ?? []).map((level) => ({
      role: level.role,
      ...(level.approverUserId === undefined ? {} : { approverUserId: level.approverUserId }),
      slaSeconds: level.slaSeconds,
      escalateTo: level.escalateTo,
    })),
  };
}

/** What the order would live through, in a canonical form (key order fixed by `summaryOf`). */
const effectOf = (summary: DecisionSummary) =>
  JSON.stringify([summary.outcome, summary.reason ?? null, summary.levels]);
