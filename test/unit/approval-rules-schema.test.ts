import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { Decision, defineRule, Facts, Observed, RuleSet, TermsChange } from '../../functions/approvals/rules';
import { eventTypeDescriptions } from '../../functions/events/type-descriptions';
import { handler as openApi } from '../../functions/system/openapi';
import { invoke } from '../support/invoke';

/**
 * The approval rules' schemas (functions/approvals/rules.ts) as their readers meet them: the API
 * description a rule author reads, the 400 messages they get, the approval events' `observed`
 * a consumer reads, and the decisions and facts orders stored long ago, read back by simulation.
 */

type JsonSchema = {
  $ref?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
};

/** Every property path under `schema` that has no description (of its own or of what it refers to). */
function undescribed(schema: JsonSchema, root: unknown, path = ''): string[] {
  const deref = (s: JsonSchema): JsonSchema =>
    s.$ref
      ? deref(
          s.$ref
            .split('/')
            .slice(1)
            .reduce((node: any, key) => node[key], root) as JsonSchema,
        )
      : s;
  const node = deref(schema);
  const found: string[] = [];
  for (const [key, property] of Object.entries(node.properties ?? {})) {
    if (!(property.description ?? deref(property).description)) found.push(`${path}.${key}`);
    found.push(...undescribed(property, root, `${path}.${key}`));
  }
  if (node.items) found.push(...undescribed(node.items, root, `${path}[]`));
  for (const branch of [...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? [])])
    found.push(...undescribed(branch, root, path));
  return [...new Set(found)];
}

/** A catch-all rule with some of its parts replaced, as a client might send it (unchecked). */
const rule = (parts: { id?: string; when?: unknown; outcome?: unknown } = {}) =>
  defineRule(
    parts.id ?? 'default',
    'Everything else',
    (parts.when ?? {}) as never,
    (parts.outcome ?? { type: 'auto-approve' }) as never,
  );
/** The message of the one issue at `path` when `body` is read as a rule set. */
function messageAt(body: unknown, path: (string | number)[]): string | undefined {
  const parsed = RuleSet.safeParse(body);
  assert.equal(parsed.success, false, 'refused');
  const issues = parsed.error?.issues.filter((issue) => issue.path.join('.') === path.join('.')) ?? [];
  assert.equal(issues.length, 1, `one issue at ${path.join('.')}: ${JSON.stringify(parsed.error?.issues)}`);
  return issues[0]?.message;
}

describe('approval rules as the API describes them', () => {
  it('describes every field of a rule set, in PUT /v1/approval-rules and its simulation', async () => {
    const res = await invoke(openApi, { routeKey: 'GET /openapi.json' });
    assert.equal(res.status, 200);
    for (const [path, method] of [
      ['/v1/approval-rules', 'put'],
      ['/v1/approval-rules/simulate', 'post'],
    ] as const) {
      const body = res.body.paths[path][method].requestBody.content['application/json'].schema;
      assert.deepEqual(undescribed(body, res.body), [], `${method} ${path}`);
    }
    // The walk reached the deepest fields (so an empty list means something).
    const put = JSON.stringify(res.body.paths['/v1/approval-rules'].put.requestBody);
    for (const text of [
      'Order total ≥ this',
      'How long before the order was created a change still counts',
      'A named approver (they must also have the role)',
      'Wait for people to approve each of `levels` in turn',
    ])
      assert.ok(put.includes(text), text);
  });

  it('describes every fact an approval event’s `observed` can carry', () => {
    const types = eventTypeDescriptions().filter((t) =>
      /^APPROVAL_(REQUIRED|AUTO_APPROVED|AUTO_REJECTED)$/.test(t.timelineType),
    );
    assert.equal(types.length, 3);
    for (const type of types) {
      const observed = (type.dataSchema as JsonSchema).properties?.observed as JsonSchema;
      assert.deepEqual(
        Object.keys(observed.properties ?? {}).sort(),
        [
          'categories',
          'createdAt',
          'createdBy',
          'creditLimitMinor',
          'currency',
          'exceedsCreditLimit',
          'maxBelowListBps',
          'maxLineDiscountBps',
          'newCustomer',
          'openBalanceMinor',
          'termsChanges',
          'totalMinor',
        ],
        type.timelineType,
      );
      assert.deepEqual(undescribed(observed, type.dataSchema), [], type.timelineType);
      for (const field of ['ruleId', 'ruleName', 'observed'])
        assert.ok(
          (type.dataSchema as JsonSchema).properties?.[field]?.description,
          `${type.timelineType} ${field}`,
        );
    }
  });
});

describe('approval rules refused by their shape, with a message that says what is wanted', () => {
  it('names the form of a rule id, of an amount, of basis points and of seconds', () => {
    assert.equal(
      messageAt({ rules: [rule({ id: 'Big_Orders' })] }, ['rules', 0, 'id']),
      'must be 1 to 63 lower-case letters, digits or hyphens, starting with a letter or digit',
    );
    assert.match(
      messageAt({ rules: [rule({ when: { orderTotalAtLeast: '1,000' } })] }, [
        'rules',
        0,
        'when',
        'orderTotalAtLeast',
      ]) ?? '',
      /^must be an amount in major units of the order’s currency as a string, e\.g\. "1000\.00"/,
    );
    for (const condition of ['maxLineDiscountBpsAbove', 'belowListPriceBpsAbove']) {
      assert.equal(
        messageAt({ rules: [rule({ when: { [condition]: 12.5 } })] }, ['rules', 0, 'when', condition]),
        'must be an integer count of basis points',
        condition,
      );
    }
    assert.equal(
      messageAt({ rules: [rule({ when: { termsChangedWithin: { seconds: 3600.5 } } })] }, [
        'rules',
        0,
        'when',
        'termsChangedWithin',
        'seconds',
      ]),
      'must be a whole number of seconds',
    );
    const level = { role: 'approver', slaSeconds: 3600.5 };
    assert.equal(
      messageAt({ rules: [rule({ outcome: { type: 'require-approval', levels: [level] } })] }, [
        'rules',
        0,
        'then',
        'levels',
        0,
        'slaSeconds',
      ]),
      'must be a whole number of seconds',
    );
  });

  it('takes 1 to 20 categories in `categoriesAny`', () => {
    const categories = (n: number) => Array.from({ length: n }, (_, i) => `category-${i}`);
    const withCategories = (n: number) => ({ rules: [rule({ when: { categoriesAny: categories(n) } })] });
    assert.equal(RuleSet.safeParse(withCategories(1)).success, true);
    assert.equal(RuleSet.safeParse(withCategories(20)).success, true);
    assert.equal(RuleSet.safeParse(withCategories(0)).success, false);
    assert.equal(RuleSet.safeParse(withCategories(21)).success, false);
  });
});

describe('decisions and facts read back as orders stored them', () => {
  const facts = {
    currency: 'EUR',
    totalMinor: 125_000,
    maxLineDiscountBps: 500,
    creditLimitMinor: null,
    openBalanceMinor: 0,
    newCustomer: false,
    categories: ['hardware'],
  };

  it('reads facts stored before list prices and terms changes were recorded: none of either', () => {
    const read = Facts.parse(facts);
    assert.equal(read.maxBelowListBps, 0);
    assert.deepEqual(read.termsChanges, []);
  });

  it('reads instants written with an offset as well as in UTC', () => {
    const change = { subject: 'customer', ref: 'c-1', at: '2026-11-02T10:00:00+01:00', by: 'alice' };
    assert.equal(TermsChange.safeParse(change).success, true);
    assert.equal(TermsChange.safeParse({ ...change, at: '2026-11-02T09:00:00.000Z' }).success, true);
    assert.equal(TermsChange.safeParse({ ...change, at: 'yesterday' }).success, false);
    const read = Facts.parse({ ...facts, createdAt: '2026-11-02T10:05:00+01:00', termsChanges: [change] });
    assert.equal(read.createdAt, '2026-11-02T10:05:00+01:00');
    assert.deepEqual(read.termsChanges, [change]);
  });

  it('keeps everything a decision observed and the rule the credit guard stopped', () => {
    const observed = {
      currency: 'EUR',
      totalMinor: 125_000,
      creditLimitMinor: 100_000,
      openBalanceMinor: 10_000,
      exceedsCreditLimit: true,
      termsChanges: [{ subject: 'product', ref: 'WIDGET', at: '2026-11-02T09:00:00.000Z', by: 'bob' }],
      createdAt: '2026-11-02T09:30:00.000Z',
      createdBy: 'alice',
    };
    assert.deepEqual(Observed.parse(observed), observed);
    const decision = {
      outcome: 'auto-reject',
      ruleId: 'credit-guard',
      ruleName: 'Credit guard',
      reason: 'Over the credit limit',
      observed,
      guarded: { ruleId: 'default', ruleName: 'Everything else' },
    };
    assert.deepEqual(Decision.parse(decision), decision);
  });
});
