import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  Billing,
  ProjectionType,
  StreamViewType,
  TableEncryptionV2,
  type TablePropsV2,
  TableV2,
} from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { type IndexProjection, type TableDefinition, tables } from '../functions/shared/db/tables';

export type TableId = TableDefinition['id'];

const key = (name: string) => ({ name, type: AttributeType.STRING });

/**
 * The DynamoDB tables, built from their plain-data definitions (the same ones the local twin
 * creates): keys, indexes, stream and TTL come from there; durability settings from here.
 *
 * Encryption: the AWS-managed key (`aws/dynamodb`), not a customer-managed one. Data is
 * encrypted with KMS and every use of the key is visible in CloudTrail, while there is no
 * key policy to maintain, no kms:Decrypt to grant each function next to its DynamoDB actions,
 * and no monthly key cost. A customer-managed key becomes worth it when a tenant asks to
 * revoke access by disabling a key or for cross-account access; then it is one line here.
 */
export class Tables extends Construct {
  readonly byId: Readonly<Record<TableId, TableV2>>;
  readonly definitions: readonly TableDefinition[] = tables;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const built = {} as Record<TableId, TableV2>;
    for (const definition of tables) {
      built[definition.id] = new TableV2(this, pascal(definition.id), propsOf(definition));
    }
    this.byId = built;
  }
}

function propsOf(definition: TableDefinition): TablePropsV2 {
  // The domain table is the system of record and the audit trail explains it: both survive a
  // stack deletion and refuse a DeleteTable. Idempotency records live a day; losing them only
  // re-opens that window. The sales aggregates were summed from years of stream records the
  // stream no longer holds: kept like the records.
  const isRecord = definition.id === 'domain' || definition.id === 'audit' || definition.id === 'aggregates';
  return {
    partitionKey: key(definition.partitionKey),
    ...(definition.sortKey ? { sortKey: key(definition.sortKey) } : {}),
    globalSecondaryIndexes: definition.indexes.map((index) => ({
      indexName: index.name,
      partitionKey: key(index.partitionKey),
      sortKey: key(index.sortKey),
      ...projectionOf(index.projection),
    })),
    ...(definition.timeToLiveAttribute ? { timeToLiveAttribute: definition.timeToLiveAttribute } : {}),
    ...(definition.stream ? { dynamoStream: StreamViewType.NEW_AND_OLD_IMAGES } : {}),
    billing: Billing.onDemand(),
    encryption: TableEncryptionV2.awsManagedKey(),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: isRecord,
    removalPolicy: isRecord ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
  };
}

function projectionOf(projection: IndexProjection) {
  if (projection === 'ALL') return { projectionType: ProjectionType.ALL };
  if (projection === 'KEYS_ONLY') return { projectionType: ProjectionType.KEYS_ONLY };
  return { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...projection.include] };
}

const pascal = (id: string) => `${id[0]?.toUpperCase()}${id.slice(1)}Table`;
