import * as z from 'zod';
import { Ulid } from '../shared/ids';
import { SettingVersion } from '../shared/schemas';
import { OUTCOMES, ResolvedLevel, RuleSet } from './rules';

/** The API's shapes around the rules (the rules themselves are in `rules.ts`). */

export const ApprovalRules = RuleSet.extend(SettingVersion);
export type ApprovalRules = z.infer<typeof ApprovalRules>;

export const SimulationRequest = RuleSet.extend({
  limit: z
    .number()
    .int()
    .min(1)
    .max(500)
    .default(100)
    .describe('How many of the most recent decided orders to re-decide'),
});
export type SimulationRequest = z.infer<typeof SimulationRequest>;

export const DecisionSummary = z.strictObject({
  ruleId: z.string(),
  outcome: z.enum(OUTCOMES),
  reason: z.string().optional(),
  levels: z.array(ResolvedLevel).describe('Empty unless the outcome is require-approval'),
});
export type DecisionSummary = z.infer<typeof DecisionSummary>;

export const SimulatedChange = z.strictObject({
  orderId: Ulid,
  orderNumber: z.string(),
  createdAt: z.iso.datetime(),
  current: DecisionSummary.describe('The decision stored on the order'),
  candidate: DecisionSummary.describe('What the candidate rules decide on the same facts'),
});
export type SimulatedChange = z.infer<typeof SimulatedChange>;

export const SimulationReport = z.strictObject({
  evaluated: z.number().int().describe('Orders re-decided'),
  changed: z.number().int().describe('…whose outcome, reason or approval levels would differ'),
  unchanged: z.number().int(),
  skipped: z.number().int().describe('Recent orders whose stored decision or facts could not be read'),
  changes: z.array(SimulatedChange).describe('The changed orders, newest first'),
});
export type SimulationReport = z.infer<typeof SimulationReport>;
