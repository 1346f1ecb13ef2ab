import { replaceAuditedSetting } from '../audit/audited-setting';
import type { AuditContext } from '../audit/audited-update';
import { entityKey } from '../shared/db/keys';
import { readSetting } from '../shared/db/tenant-setting';
import { PreconditionFailedError } from '../shared/http/errors';
import { creditGuardOf, defaultRuleSet } from './defaults';
import type { RuleSet } from './rules';
import type { ApprovalRules } from './schemas';

/**
 * The tenant's approval rules: one item per tenant, replaced whole, guarded by its version.
 * Reading is one GetItem; replacing is a read and one write with its audit records.
 */
const ENTITY = 'APPROVAL_RULES';

export const approvalRulesKey = (tenantId: string) => entityKey(tenantId, ENTITY, 'current');

export interface StoredRuleSet {
  ruleSet: RuleSet;
  /** 0: the defaults, never saved. */
  version: number;
  updatedAt?: string;
  updatedBy?: string;
}

/**
 * The rules in force, or the defaults (version 0) when the tenant never saved any. One GetItem.
 * `consistentRead` for read-modify-write by an admin; deciding an order can take the cheaper read.
 */
export async function getRuleSet(
  tenantId: string,
  options: { consistentRead?: boolean } = {},
): Promise<StoredRuleSet> {
  const { item, ...version } = await readSetting(approvalRulesKey(tenantId), options);
  return { ruleSet: item ? ruleSetOf(item) : defaultRuleSet(), ...version };
}

/**
 * Replaces the rules when `expectedVersion` is still current (0: none saved yet), with an audit
 * record per part that changes (rules, credit guard, credit override roles: what decides who
 * approves what) in the same transaction. The parts are compared as in force, defaults filled in,
 * so the first save of a rule set records what the defaults were.
 */
export async function putRuleSet(
  tenantId: string,
  ruleSet: RuleSet,
  expectedVersion: number,
  context: AuditContext,
  now: string,
): Promise<StoredRuleSet> {
  const current = await getRuleSet(tenantId, { consistentRead: true });
  if (current.version !== expectedVersion) throw new PreconditionFailedError(current.version);
  const version = await replaceAuditedSetting({
    key: approvalRulesKey(tenantId),
    entity: ENTITY,
    expectedVersion,
    before: inForce(current.ruleSet),
    after: inForce(ruleSet),
    audited: AUDITED,
    auditResource: 'approval-rules/current',
    fields: { ...ruleSetOf(ruleSet) },
    context,
    now,
  });
  return { ruleSet: ruleSetOf(ruleSet), version, updatedAt: now, updatedBy: context.actor };
}

/** The parts of a rule set an audit record names, each as in force (defaults filled in). */
const AUDITED = ['rules', 'overCreditLimit', 'creditOverrideRoles'] as const;
const inForce = (ruleSet: RuleSet): Record<string, unknown> => ({
  rules: ruleSet.rules,
  ...creditGuardOf(ruleSet),
});

/** The rule set's own fields of an item or a request, those it leaves out left out (the defaults apply). */
function ruleSetOf(source: Record<string, unknown>): RuleSet {
  return {
    rules: source.rules as RuleSet['rules'],
    ...(source.overCreditLimit === undefined
      ? {}
      : { overCreditLimit: source.overCreditLimit as RuleSet['overCreditLimit'] }),
    ...(source.creditOverrideRoles === undefined
      ? {}
      : { creditOverrideRoles: source.creditOverrideRoles as RuleSet['creditOverrideRoles'] }),
  };
}

/** The API resource: the rules with their version, and the credit guard in force (the defaults when not set). */
export function toApprovalRules(stored: StoredRuleSet): ApprovalRules {
  return {
    rules: stored.ruleSet.rules,
    ...creditGuardOf(stored.ruleSet),
    version: stored.version,
    ...(stored.updatedAt === undefined ? {} : { updatedAt: stored.updatedAt }),
    ...(stored.updatedBy === undefined ? {} : { updatedBy: stored.updatedBy }),
  };
}
