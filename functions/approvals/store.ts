import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, domainTableName } from '../shared/db/client';
import { entityKey } from '../shared/db/keys';
import { PreconditionFailedError } from '../shared/http/errors';
import { creditGuardOf, defaultRuleSet } from './defaults';
import type { RuleSet } from './rules';
import type { ApprovalRules } from './schemas';

/**
 * The tenant's approval rules: one item per tenant, replaced whole, guarded by its version.
 * Each access is one DynamoDB request.
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
  const result = await documentClient.send(
    new GetCommand({
      TableName: domainTableName(),
      Key: approvalRulesKey(tenantId),
      ConsistentRead: options.consistentRead ?? false,
    }),
  );
  const item = result.Item;
  if (!item) return { ruleSet: defaultRuleSet(), version: 0 };
  return {
    ruleSet: ruleSetOf(item),
    version: item.version as number,
    ...(item.updatedAt === undefined ? {} : { updatedAt: item.updatedAt as string }),
    ...(item.updatedBy === undefined ? {} : { updatedBy: item.updatedBy as string }),
  };
}

/**
 * Replaces the rules when `expectedVersion` is still current (0: none saved yet). One PutItem:
 * on a failed condition DynamoDB returns the item it found, so the 412 carries the current
 * version without a second read.
 */
export async function putRuleSet(
  tenantId: string,
  ruleSet: RuleSet,
  expectedVersion: number,
  actor: string,
  now: string,
): Promise<StoredRuleSet> {
  const version = expectedVersion + 1;
  const guard =
    expectedVersion === 0
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : {
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': expectedVersion },
        };
  try {
    await documentClient.send(
      new PutCommand({
        TableName: domainTableName(),
        Item: {
          ...approvalRulesKey(tenantId),
          entity: ENTITY,
          tenantId,
          ...ruleSetOf(ruleSet),
          version,
          updatedAt: now,
          updatedBy: actor,
        },
        ...guard,
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) {
      throw new PreconditionFailedError(Number(error.Item?.version?.N ?? 0));
    }
    throw error;
  }
  return { ruleSet: ruleSetOf(ruleSet), version, updatedAt: now, updatedBy: actor };
}

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
