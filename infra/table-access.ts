import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { TableAccess } from '../functions/manifest';
import type { TableId, Tables } from './tables';

/**
 * IAM statements for exactly the DynamoDB actions a manifest entry lists, one statement per
 * table, on that table only. Index ARNs are added only for `Query` and name each declared
 * index rather than `index/*`, so there is no wildcard to justify. A table the entry does
 * not list gets nothing.
 */
export function tableAccessStatements(access: TableAccess, tables: Tables): PolicyStatement[] {
  const statements: PolicyStatement[] = [];
  for (const definition of tables.definitions) {
    const actions = access[definition.id as TableId];
    if (!actions?.length) continue;
    const table = tables.byId[definition.id];
    const indexArns = actions.includes('Query')
      ? definition.indexes.map((index) => `${table.tableArn}/index/${index.name}`)
      : [];
    statements.push(
      new PolicyStatement({
        sid: `${definition.id[0]?.toUpperCase()}${definition.id.slice(1)}Table`,
        effect: Effect.ALLOW,
        actions: [...new Set(actions)].map((action) => `dynamodb:${action}`),
        resources: [table.tableArn, ...indexArns],
      }),
    );
  }
  return statements;
}
