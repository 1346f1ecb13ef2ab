import { Duration } from 'aws-cdk-lib';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { EventSourceMapping, FilterCriteria, type IFunction, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { StreamFunction } from '../functions/manifest';
import { DeadLetterQueue } from './dead-letter-queue';
import type { FunctionGrant } from './function-grant';
import type { Tables } from './tables';

export interface StreamSubscriptionProps {
  consumer: StreamFunction;
  tables: Tables;
}

/**
 * How a stream consumer is fed: an event source mapping on its table's stream, with the manifest's
 * filters, batching, retries, bisection and record age, ReportBatchItemFailures (the handler
 * answers `{ batchItemFailures }`), and its own dead-letter queue as the on-failure destination.
 *
 * Built in two steps because the function's role must already allow what the mapping does when
 * Lambda creates the mapping: `grant()` goes into the role, `attach()` creates the mapping.
 */
export class StreamSubscription extends Construct {
  readonly deadLetters: DeadLetterQueue;
  private readonly props: StreamSubscriptionProps;
  private readonly streamArn: string;

  constructor(scope: Construct, id: string, props: StreamSubscriptionProps) {
    super(scope, id);
    this.props = props;
    const { consumer, tables } = props;
    const streamArn = tables.byId[consumer.source.table].tableStreamArn;
    if (!streamArn)
      throw new Error(`${consumer.name} reads the ${consumer.source.table} table, which has no stream`);
    this.streamArn = streamArn;
    this.deadLetters = new DeadLetterQueue(this, 'DeadLetters', {
      functionName: consumer.name,
      sender: `the ${consumer.name} event source mapping (records it gave up on)`,
    });
  }

  /**
   * Reading this table's stream — the actions AWS lists for a Lambda that reads a DynamoDB stream,
   * on this stream's ARN, not `stream/*` and not `*` — and sending to this consumer's dead-letter
   * queue: Lambda sends a failed batch's description (shard, sequence numbers) with the function's role.
   */
  grant(): FunctionGrant {
    return {
      environment: {},
      statements: [
        new PolicyStatement({
          sid: 'ReadStream',
          effect: Effect.ALLOW,
          actions: [
            'dynamodb:DescribeStream',
            'dynamodb:GetRecords',
            'dynamodb:GetShardIterator',
            'dynamodb:ListStreams',
          ],
          resources: [this.streamArn],
        }),
        this.deadLetters.sendStatement('StreamDeadLetters'),
      ],
    };
  }

  attach(fn: IFunction): EventSourceMapping {
    const { source } = this.props.consumer;
    const deadLetters = this.deadLetters.queue;
    return new EventSourceMapping(this, 'Mapping', {
      target: fn,
      eventSourceArn: this.streamArn,
      // From the oldest record the stream still holds: a consumer deployed late (or re-created)
      // catches up on the last 24 hours instead of skipping them.
      startingPosition: StartingPosition.TRIM_HORIZON,
      filters: source.filters.map((pattern) => FilterCriteria.filter(pattern)),
      batchSize: source.batchSize,
      maxBatchingWindow: Duration.seconds(source.batchingWindowSeconds),
      retryAttempts: source.retryAttempts,
      bisectBatchOnError: source.bisectOnError,
      maxRecordAge: Duration.seconds(source.maxRecordAgeSeconds),
      reportBatchItemFailures: true,
      // Not SqsDlq: it would grant the role three SQS actions in a second policy; the one
      // SendMessage the destination needs is in the role's own policy (grant()).
      onFailure: { bind: () => ({ destination: deadLetters.queueArn }) },
    });
  }
}
