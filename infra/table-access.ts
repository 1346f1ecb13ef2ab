import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { TableAccess } from '../functions/manifest';
import type { TableId, Tables } from './tables';

/**
 * IAM statements for exactly the DynamoDB actions a manifest entry lists, on that table only:
 * the listed actions on the table's ARN and, where `Query` is listed, `Query` alone on each
 * declared index's ARN (an index serves nothing else). Indexes are named one by one rather than
 * `index/*`, so there is no wildcard to justify. A table the entry does not list gets nothing.
 *
 * The manifest lists actions per table, not per index, so a function that may Query a table may
 * Query each of its indexes.
 */
export function tableAccessStatements(access: TableAccess, tables: Tables): PolicyStatement[] {
  const statements: PolicyStatement[] = [];
  for (const definition of tables.definitions) {
    const actions = access[definition.id as TableId];
    if (!actions?.length) continue;
    const table = tables.byId[definition.id];
    const sid = `${definition.id[0]?.toUpperCase()}${definition.id.slice(1)}Table`;
    statements.push(
      new PolicyStatement({
        sid,
        effect: Effect.ALLOW,
        actions: [...new Set(actions)].map((action) => `dynamodb:${action}`),
        resources: [table.tableArn],
      }),
    );
    if (actions.includes('Query') && definition.indexes.length) {
      statements.push(
        new PolicyStatement({
          sid: `${sid}Indexes`,
          effect: Effect.ALLOW,
          actions: ['dynamodb:Query'],
          resources: definition.indexes.map((index) => `${table.tableArn}/index/${index.name}`),
        }),
      );
    }
  }
  return statements;
}
