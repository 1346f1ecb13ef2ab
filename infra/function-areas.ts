import { NestedStack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { FunctionSpec } from '../functions/manifest';

/**
 * A manifest entry's area: its folder under `functions/` (`functions/orders/create-order.ts` →
 * `orders`, `functions/webhooks/endpoints/create.ts` → `webhooks`).
 */
export function areaOf(spec: FunctionSpec): string {
  const [root, area, file] = spec.entry.split('/');
  if (root !== 'functions' || !area || !file) {
    throw new Error(`${spec.entry}: a manifest entry lives in a folder under functions/`);
  }
  return area;
}

/** `orders` → `Orders`, `fulfilment-partners` → `FulfilmentPartners`: the nested stack's construct id. */
export const areaId = (area: string) =>
  area
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => `${part[0]?.toUpperCase()}${part.slice(1)}`)
    .join('');

/**
 * One nested stack per area, made the first time a function of the area asks for it.
 *
 * Why nested stacks: CloudFormation takes at most 500 resources per template, and each function
 * brings three to six (function, role, log group; route, integration and invoke permission, or a
 * trigger with its queue). Areas grow together with the manifest but each stays far below the limit;
 * the shared things (tables, keys, Cognito, the bus, the API and its authorizer, the state machines)
 * stay in the parent, and CloudFormation passes what a nested stack references as its parameters.
 */
export class FunctionAreas {
  private readonly stacks = new Map<string, NestedStack>();
  private readonly areas = new Map<string, string>();

  private readonly scope: Construct;

  constructor(scope: Construct) {
    this.scope = scope;
  }

  of(spec: FunctionSpec): NestedStack {
    const area = areaOf(spec);
    const id = areaId(area);
    const named = this.areas.get(id) ?? area;
    if (named !== area)
      throw new Error(`functions/${area}/ and functions/${named}/ would share the nested stack ${id}`);
    this.areas.set(id, area);
    let stack = this.stacks.get(id);
    if (!stack) {
      stack = new NestedStack(this.scope, id, {
        description: `Orderly: the ${area} functions (functions/${area}/), their roles, logs, triggers and routes`,
      });
      this.stacks.set(id, stack);
    }
    return stack;
  }

  /** The nested stacks made so far, by construct id. */
  get all(): ReadonlyMap<string, NestedStack> {
    return this.stacks;
  }
}
