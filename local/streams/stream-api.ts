import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type _Record,
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';
import type { ShardSummary } from './shards';

/**
 * The few DynamoDB Streams calls the poller makes, against DynamoDB Local (it serves the Streams
 * API on its own endpoint). Every call is cancelled when `signal` aborts, so stopping the poller
 * leaves no request in flight and, once `destroy()`ed, no socket open.
 */
export interface StreamApi {
  streamArnOf(tableName: string): Promise<string>;
  listShards(streamArn: string): Promise<ShardSummary[]>;
  iterator(streamArn: string, shardId: string, position: Position): Promise<string>;
  records(iterator: string): Promise<{ records: _Record[]; next?: string }>;
  destroy(): void;
}

/** Where to start reading a shard: after a sequence number, or at its oldest record. */
export type Position = { after: string } | 'TRIM_HORIZON';

/** GetRecords' maximum: a backlog is read in as few calls as possible. */
const MAX_RECORDS_PER_CALL = 1000;

export function createStreamApi(endpoint: string, signal: AbortSignal): StreamApi {
  const config = {
    endpoint,
    region: process.env.AWS_REGION ?? 'local',
    // DynamoDB Local accepts any credentials; these keep the SDK from looking for real ones.
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
  const streams = new DynamoDBStreamsClient(config);
  const tables = new DynamoDBClient(config);
  const options = { abortSignal: signal };
  return {
    async streamArnOf(tableName) {
      const { Table } = await tables.send(new DescribeTableCommand({ TableName: tableName }), options);
      if (!Table?.LatestStreamArn || !Table.StreamSpecification?.StreamEnabled) {
        throw new Error(`Table ${tableName} has no stream: its definition needs \`stream: true\``);
      }
      return Table.LatestStreamArn;
    },
    async listShards(streamArn) {
      const shards: ShardSummary[] = [];
      let after: string | undefined;
      do {
        const { StreamDescription } = await streams.send(
          new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: after }),
          options,
        );
        for (const shard of StreamDescription?.Shards ?? []) {
          if (!shard.ShardId) continue;
          shards.push({
            shardId: shard.ShardId,
            ...(shard.ParentShardId ? { parentShardId: shard.ParentShardId } : {}),
          });
        }
        after = StreamDescription?.LastEvaluatedShardId;
      } while (after);
      return shards;
    },
    async iterator(streamArn, shardId, position) {
      const type: ShardIteratorType = position === 'TRIM_HORIZON' ? 'TRIM_HORIZON' : 'AFTER_SEQUENCE_NUMBER';
      const { ShardIterator } = await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shardId,
          ShardIteratorType: type,
          ...(position === 'TRIM_HORIZON' ? {} : { SequenceNumber: position.after }),
        }),
        options,
      );
      if (!ShardIterator) throw new Error(`GetShardIterator gave no iterator for ${shardId}`);
      return ShardIterator;
    },
    async records(iterator) {
      const { Records, NextShardIterator } = await streams.send(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: MAX_RECORDS_PER_CALL }),
        options,
      );
      return { records: Records ?? [], ...(NextShardIterator ? { next: NextShardIterator } : {}) };
    },
    destroy() {
      streams.destroy();
      tables.destroy();
    },
  };
}
