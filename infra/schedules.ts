import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Effect, PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { CfnSchedule, ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import type { ScheduleFunction } from '../functions/manifest';
import { DeadLetterQueue } from './dead-letter-queue';
import type { FunctionGrant } from './function-grant';
import { rootStackName } from './root-stack';

/**
 * EventBridge Scheduler invokes Lambda asynchronously, so a job's failures happen in two places,
 * each with its own retries and both ending in the job's dead-letter queue:
 * - handing the invocation to Lambda (throttled, no permission, function missing): the
 *   schedule's retry policy;
 * - the run itself (the handler threw or timed out): Lambda's asynchronous retries.
 * An hour bounds both: a run later than that is parked for an operator rather than started long
 * out of its slot (a frequent job's next runs do its work anyway; a nightly one can be run by hand).
 */
const SCHEDULE_RETRY_POLICY = { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 } as const;
const RUN_RETRIES = { retryAttempts: 2, maxEventAge: Duration.hours(1) } as const;

const EXPRESSION = /^(rate|cron)\(.+\)$/;

/** The schedule group every Orderly job is in; the jobs' roles trust Scheduler only on its behalf. */
export class JobSchedules extends Construct {
  readonly group: ScheduleGroup;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.group = new ScheduleGroup(this, 'Group', {
      scheduleGroupName: rootStackName(this),
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }
}

export interface JobScheduleProps {
  job: ScheduleFunction;
  schedules: JobSchedules;
}

/**
 * A scheduled job's schedule: the manifest's expression read in its time zone, no flexible
 * window (jobs run when they say), the payload as the function's event, a retry policy and a
 * dead-letter queue, and a role of its own that may invoke this function and nothing else.
 *
 * Built in two steps, like a stream subscription: `grant()` goes into the function's role (its
 * failed runs go to the dead-letter queue with that role), `attach()` creates the schedule.
 */
export class JobSchedule extends Construct {
  readonly deadLetters: DeadLetterQueue;

  private readonly props: JobScheduleProps;

  constructor(scope: Construct, id: string, props: JobScheduleProps) {
    super(scope, id);
    this.props = props;
    const { job } = props;
    if (!EXPRESSION.test(job.schedule.expression)) {
      throw new Error(`${job.name}: "${job.schedule.expression}" is not a rate(…) or cron(…) expression`);
    }
    try {
      new Intl.DateTimeFormat('en', { timeZone: job.schedule.timeZone });
    } catch {
      throw new Error(`${job.name}: "${job.schedule.timeZone}" is not an IANA time zone`);
    }
    this.deadLetters = new DeadLetterQueue(this, 'DeadLetters', {
      functionName: job.name,
      sender: `the ${job.name} schedule and the function’s asynchronous invocations (runs that failed every retry)`,
    });
  }

  grant(): FunctionGrant {
    return { environment: {}, statements: [this.deadLetters.sendStatement('JobDeadLetters')] };
  }

  attach(fn: IFunction): CfnSchedule {
    const { job, schedules } = this.props;
    const stack = Stack.of(this);
    const deadLetters = this.deadLetters.queue;

    fn.configureAsyncInvoke({
      ...RUN_RETRIES,
      // Not SqsDestination: it would grant the function three SQS actions in a second policy; the
      // one SendMessage it needs is in the function's own policy (grant()).
      onFailure: { bind: () => ({ destination: deadLetters.queueArn }) },
    });

    const role = new Role(this, 'Role', {
      description: `Orderly: EventBridge Scheduler invokes ${job.name} (and parks what it could not deliver)`,
      // Only schedules of Orderly's group in this account may use it (confused-deputy guard).
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': stack.account,
            'aws:SourceArn': schedules.group.scheduleGroupArn,
          },
        },
      }),
      inlinePolicies: {
        invoke: new PolicyDocument({
          statements: [
            // The unqualified function only: no `:*` for versions or aliases, which Orderly does not publish.
            new PolicyStatement({
              sid: 'InvokeJob',
              effect: Effect.ALLOW,
              actions: ['lambda:InvokeFunction'],
              resources: [fn.functionArn],
            }),
            this.deadLetters.sendStatement('ScheduleDeadLetters'),
          ],
        }),
      },
    });

    const schedule = new CfnSchedule(this, 'Schedule', {
      name: `${rootStackName(this)}-${job.name}`,
      groupName: schedules.group.scheduleGroupName,
      description: `Orderly scheduled job ${job.name}`,
      scheduleExpression: job.schedule.expression,
      scheduleExpressionTimezone: job.schedule.timeZone,
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: {
        arn: fn.functionArn,
        roleArn: role.roleArn,
        // Scheduler fills in its context attributes (<aws.scheduler.scheduled-time>, …) in here.
        input: JSON.stringify(job.schedule.payload),
        retryPolicy: SCHEDULE_RETRY_POLICY,
        deadLetterConfig: { arn: deadLetters.queueArn },
      },
    });
    // The group is named, not referenced: CloudFormation must still create it first.
    schedule.node.addDependency(schedules.group);
    return schedule;
  }
}
