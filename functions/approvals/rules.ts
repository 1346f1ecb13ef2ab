import * as z from 'zod';
import { ROLES } from '../shared/auth/roles';
import { CurrencyCode } from '../shared/money';
import { freeText, singleLineText } from '../shared/text';
import { DECIMAL_PATTERN } from './decimal';
import { MAX_TERMS_WINDOW_SECONDS } from './terms';

/**
 * Approval rules as data (docs/design.md §2): an ordered list, evaluated top to bottom, the FIRST rule
 * whose conditions all hold decides. These schemas check the shape (400 when wrong);
 * `validate.ts` checks what a schema cannot see (422 naming the rule).
 */

export { NON_APPROVING_ROLES } from '../shared/auth/roles';

export const MAX_RULES = 50;
export const MAX_LEVELS = 5;
export const MIN_SLA_SECONDS = 60;
export const MAX_SLA_SECONDS = 2_592_000;

export const RoleName = z.enum(ROLES);

export const RuleId = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,62}$/,
    'must be 1 to 63 lower-case letters, digits or hyphens, starting with a letter or digit',
  )
  .describe('Unique within the set; each decision names the rule that made it');

export const DecimalString = z
  .string()
  .regex(
    DECIMAL_PATTERN,
    'must be an amount in major units of the order’s currency as a string, e.g. "1000.00" (at most 15 digits before and 6 after the point)',
  );

export const Conditions = z
  .strictObject({
    orderTotalAtLeast: DecimalString.describe(
      'Order total ≥ this, in major units of the order’s currency; more decimals than the currency has round up',
    ).optional(),
    orderTotalBelow: DecimalString.describe(
      'Order total < this, in major units of the order’s currency; more decimals than the currency has round up (exact for “below”)',
    ).optional(),
    maxLineDiscountBpsAbove: z
      .number()
      .int('must be an integer count of basis points')
      .min(0)
      .max(10_000)
      .describe('Some line has a discount above this many basis points (1500 = 15%)')
      .optional(),
    exceedsCreditLimit: z
      .boolean()
      .describe(
        'Whether open balance + order total is above the customer’s credit limit (never, without a limit)',
      )
      .optional(),
    newCustomer: z.boolean().describe('Whether the customer has no earlier order').optional(),
    categoriesAny: z
      .array(singleLineText(1, 100))
      .min(1)
      .max(20)
      .describe('Some line’s product category is one of these (exact, case-sensitive)')
      .optional(),
    belowListPriceBpsAbove: z
      .number()
      .int('must be an integer count of basis points')
      .min(0)
      .max(10_000)
      .describe(
        'Some line’s total lies more than this many basis points below its list price × quantity, the discount included (1500 = 15%). The list price is the highest price the product had in the 24 hours before the order, so a price cut counts like a discount',
      )
      .optional(),
    termsChangedWithin: z
      .strictObject({
        seconds: z
          .number()
          .int('must be a whole number of seconds')
          .min(60)
          .max(MAX_TERMS_WINDOW_SECONDS)
          .describe('How long before the order was created a change still counts (at most 30 days)'),
        byOrderCreator: z
          .boolean()
          .describe(
            'true: only changes made by the user who created the order count; false or absent: anyone’s',
          )
          .optional(),
      })
      .describe(
        'The customer’s credit limit, or the price, category or availability of a line’s product, changed within `seconds` before the order was created, or after it up to the decision',
      )
      .optional(),
  })
  .describe('Every condition given must hold; `{}` matches every order');
export type Conditions = z.infer<typeof Conditions>;

export const Level = z.strictObject({
  role: RoleName.describe('Who may approve this level'),
  approverUserId: singleLineText(1, 128)
    .describe('A named approver (they must also have the role)')
    .optional(),
  slaSeconds: z
    .number()
    .int('must be a whole number of seconds')
    .min(MIN_SLA_SECONDS)
    .max(MAX_SLA_SECONDS)
    .describe('How long the level may wait before it escalates'),
  escalateTo: RoleName.describe(
    'Who gets the level when its SLA runs out; default: the next level’s role, or admin for the last level',
  ).optional(),
});
export type Level = z.infer<typeof Level>;

const AutoReject = z.strictObject({
  type: z.literal('auto-reject').describe('Reject the order at once, with `reason`'),
  reason: freeText(1, 200).describe('Shown on the rejected order'),
});
const RequireApproval = z.strictObject({
  type: z.literal('require-approval').describe('Wait for people to approve each of `levels` in turn'),
  levels: z.array(Level).min(1).max(MAX_LEVELS).describe('Approved one after another, in this order'),
});

export const Outcome = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('auto-approve').describe('Approve the order at once') }),
  AutoReject,
  RequireApproval,
]);
export type Outcome = z.infer<typeof Outcome>;

/** What the credit guard does with an order a rule would auto-approve past the credit limit. */
export const GuardOutcome = z
  .discriminatedUnion('type', [AutoReject, RequireApproval])
  .describe(
    'Applies when the rule that matched auto-approves but open balance + order total is above the customer’s credit limit; default: auto-reject',
  );
export type GuardOutcome = z.infer<typeof GuardOutcome>;

export const Rule = z.strictObject({
  id: RuleId,
  name: singleLineText(1, 100).describe('For people: shown with the decisions the rule makes'),
  when: Conditions,
  // biome-ignore lint/suspicious/noThenProperty: the API's field; an outcome is never a function, so a rule is no thenable
  then: Outcome.describe('What happens to an order the rule matches'),
});
export type Rule = z.infer<typeof Rule>;

/**
 * A rule from its parts. Code builds rules through this so that the `then` key (which linters
 * rightly distrust on objects that might be awaited) is written in one place only.
 */
export function defineRule(id: string, name: string, when: Conditions, outcome: Outcome): Rule {
  // biome-ignore lint/suspicious/noThenProperty: see `Rule`: `then` holds data, never a function
  return { id, name, when, then: outcome };
}

/** The decision's `ruleId` when the credit guard, not a rule, decided; no rule may take this id. */
export const CREDIT_GUARD_ID = 'credit-guard';

export const RuleSet = z.strictObject({
  rules: z
    .array(Rule)
    .min(1)
    .max(MAX_RULES)
    .describe('Evaluated in order; the first match decides; the last rule must have `when: {}`'),
  overCreditLimit: GuardOutcome.optional(),
  creditOverrideRoles: z
    .array(RoleName)
    .max(ROLES.length)
    .describe(
      'Who may approve an order past the customer’s credit limit (with `creditOverride` on approve); default: admin. Empty: nobody',
    )
    .optional(),
});
export type RuleSet = z.infer<typeof RuleSet>;

/*
 * What the engine sees and what it decides. Orders store both; these schemas read them back, so
 * they are plain (not strict) objects: a stored record with an extra attribute still reads.
 */

const minor = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

const bps = z.number().int().min(0).max(10_000);

/** A change of commercial terms an order saw: who changed what, when. */
export const TermsChange = z.object({
  subject: z.enum(['product', 'customer']).describe('A line’s product, or the order’s customer'),
  ref: z.string().describe('The product’s SKU, or the customer’s id'),
  at: z.iso.datetime({ offset: true }).describe('When the terms changed'),
  by: z.string().describe('The user who changed them'),
});
export type TermsChange = z.infer<typeof TermsChange>;

/**
 * The facts of one order at decision time: everything any condition can look at. Fields added
 * later have defaults (or are optional), so the facts stored with older decisions still parse
 * and a simulation re-runs them.
 */
export const Facts = z.object({
  currency: CurrencyCode,
  totalMinor: minor.describe('Order total in minor units of `currency`'),
  maxLineDiscountBps: bps.describe('Largest line discount; 0 without any'),
  creditLimitMinor: minor.nullable().describe('The customer’s credit limit; null: no limit'),
  openBalanceMinor: z
    .number()
    .int()
    .min(-Number.MAX_SAFE_INTEGER)
    .max(Number.MAX_SAFE_INTEGER)
    .describe('What the customer owes on earlier orders, without this one'),
  newCustomer: z.boolean(),
  // The product categories of the order's lines.
  categories: z.array(z.string()),
  // The most any line's total lies below its list price × quantity, in basis points of it, the
  // discount included; 0 without any (and in facts stored before list prices were recorded).
  maxBelowListBps: bps.default(0),
  // Changes of the customer's credit limit and of the lines' products' terms the order saw, within
  // 30 days before it was created or after; none in facts stored before they were recorded.
  termsChanges: z.array(TermsChange).default([]),
  createdAt: z.iso.datetime({ offset: true }).optional().describe('When the order was created'),
  createdBy: z.string().optional().describe('Who created the order'),
});
export type Facts = z.infer<typeof Facts>;

/** The facts the deciding rule's conditions looked at (and the credit verdict when it was asked). */
export const Observed = z.object({
  currency: CurrencyCode.describe('The order’s currency (ISO 4217), for the amounts here').optional(),
  totalMinor: Facts.shape.totalMinor.optional(),
  maxLineDiscountBps: Facts.shape.maxLineDiscountBps.optional(),
  creditLimitMinor: Facts.shape.creditLimitMinor.optional(),
  openBalanceMinor: Facts.shape.openBalanceMinor.optional(),
  exceedsCreditLimit: z
    .boolean()
    .describe('Whether open balance + order total was above the customer’s credit limit')
    .optional(),
  newCustomer: z.boolean().describe('Whether the customer had no earlier order').optional(),
  categories: z.array(z.string()).describe('The product categories of the order’s lines').optional(),
  maxBelowListBps: bps
    .describe(
      'The most any line’s total lay below its list price × quantity, in basis points of it, the discount included',
    )
    .optional(),
  termsChanges: z
    .array(TermsChange)
    .optional()
    .describe('The terms changes within the rule’s window (by the order’s creator, when it asked)'),
  createdAt: Facts.shape.createdAt,
  createdBy: Facts.shape.createdBy,
});
export type Observed = z.infer<typeof Observed>;

/** A level as decided: the escalation target is always filled in. */
export const ResolvedLevel = z.object({
  role: RoleName,
  approverUserId: z.string().optional(),
  slaSeconds: z.number().int(),
  escalateTo: RoleName,
});
export type ResolvedLevel = z.infer<typeof ResolvedLevel>;

export const OUTCOMES = ['auto-approve', 'auto-reject', 'require-approval'] as const;
export type OutcomeType = (typeof OUTCOMES)[number];

/** A decision as orders store it; never published as a whole (events carry `observed`). */
export const Decision = z.object({
  outcome: z.enum(OUTCOMES),
  // The rule that fired (CREDIT_GUARD_ID when the credit guard decided).
  ruleId: z.string(),
  ruleName: z.string(),
  // Why the order was rejected (auto-reject only).
  reason: z.string().optional(),
  // The approval levels required (require-approval only).
  levels: z.array(ResolvedLevel).optional(),
  // The values the rule saw.
  observed: Observed,
  // The rule that would have auto-approved, stopped by the credit guard (credit-guard only).
  guarded: z.object({ ruleId: z.string(), ruleName: z.string() }).optional(),
});
export type Decision = z.infer<typeof Decision>;
