import { Stack } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { FunctionSpec } from '../functions/manifest';
import { type FunctionGrant, noGrant } from './function-grant';

/** Where a publishing function finds the bus (manifest `publishesEvents`). */
export const EVENT_BUS_NAME_ENV = 'EVENT_BUS_NAME';

/**
 * Orderly's domain events on a custom EventBridge bus of their own, so that rules other teams add
 * (integrations, analytics) see Orderly's events and nothing else, and so that publishing can be
 * granted on this bus alone. The bus has no resource policy: only principals of this account whose
 * own policy allows it may put events on it.
 */
export class DomainEventBus extends Construct {
  readonly bus: EventBus;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', {
      eventBusName: `${Stack.of(this).stackName}-domain-events`,
      description: 'Orderly domain events (CloudEvents envelopes), published from the domain table’s stream',
    });
  }

  /** What a function the manifest marks `publishesEvents` gets: the bus's name, and PutEvents on it alone. */
  grant(spec: FunctionSpec): FunctionGrant {
    if (!spec.publishesEvents) return noGrant();
    return {
      environment: { [EVENT_BUS_NAME_ENV]: this.bus.eventBusName },
      statements: [
        new PolicyStatement({
          sid: 'PublishEvents',
          effect: Effect.ALLOW,
          actions: ['events:PutEvents'],
          resources: [this.bus.eventBusArn],
        }),
      ],
    };
  }
}
