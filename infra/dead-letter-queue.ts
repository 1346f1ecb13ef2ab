import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { rootStackName } from './root-stack';

export interface DeadLetterQueueProps {
  /** The manifest function whose failures land here; the queue is named after it. */
  functionName: string;
  /** Who sends here, for the acknowledgement that this queue needs no queue of its own. */
  sender: string;
}

/**
 * Where one function's failed work waits for an operator: the records a stream consumer gave up
 * on, or the runs of a scheduled job that failed every retry. Kept 14 days (SQS's maximum), so a
 * failure over a long weekend is still there on Monday.
 *
 * Encrypted with SQS-managed keys (SSE-SQS), not KMS: the messages are pointers and outcomes —
 * a stream failure names the shard and sequence numbers, not the records; a job failure carries
 * the job's fixed payload and the error — so a customer-managed key would protect nothing more,
 * while it would need a key policy and kms:GenerateDataKey for Lambda and Scheduler on every send.
 * TLS is enforced by the queue policy.
 */
export class DeadLetterQueue extends Construct {
  readonly queue: Queue;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);
    this.queue = new Queue(this, 'Queue', {
      queueName: `${rootStackName(this)}-${props.functionName}-dead-letters`,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      // What is in it points at work that can be found again (the stream, the job's next run).
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        `This queue is itself a dead-letter queue: the on-failure destination of ${props.sender}. ` +
        'cdk-nag only recognises queues named in another queue’s redrive policy or a function’s ' +
        'DeadLetterConfig; a dead-letter queue of a dead-letter queue would only move the same messages again.',
    });
  }

  /** What a sender needs: SendMessage on this queue and nothing else. */
  sendStatement(sid: string): PolicyStatement {
    return new PolicyStatement({
      sid,
      effect: Effect.ALLOW,
      actions: ['sqs:SendMessage'],
      resources: [this.queue.queueArn],
    });
  }
}
