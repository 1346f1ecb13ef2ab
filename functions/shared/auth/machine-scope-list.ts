/**
 * The OAuth 2.0 scopes machine clients may hold: one Cognito resource server (`orderly`) whose
 * scopes are named `orderly/<name>` in tokens. `fulfilment` makes the client a fulfilment partner
 * (role `fulfilment`); every other name is an integration route scope (`scopeOf` in
 * shared/auth/permissions.ts) and makes the client an `integration` holding that scope.
 *
 * A plain list, not derived from the manifest, so that the CDK stack and the token path can read
 * it without loading every operation; test/unit/machine-scopes.test.ts fails when a route's
 * integration scope is missing here or a name here serves no route.
 */
export const RESOURCE_SERVER_ID = 'orderly';

/** The machine scope that makes a client a fulfilment partner rather than an integration. */
export const FULFILMENT_SCOPE = 'fulfilment';

export interface MachineScope {
  name: string;
  description: string;
}

export const MACHINE_SCOPES: readonly MachineScope[] = [
  { name: FULFILMENT_SCOPE, description: "Fulfilment partner: read and report on its partner's orders" },
  { name: 'customers:read', description: 'Read customers' },
  { name: 'customers:write', description: 'Create and update customers' },
  { name: 'events:read', description: 'Read domain events and event types' },
  { name: 'fulfilment:write', description: 'Report shipments, deliveries and fulfilment failures' },
  { name: 'needs:read', description: 'Read customer needs' },
  { name: 'needs:write', description: 'Create and update customer needs' },
  { name: 'orders:read', description: 'Read orders' },
  { name: 'orders:write', description: 'Create orders and record order history and feedback' },
  { name: 'products:read', description: 'Read products' },
  { name: 'products:write', description: 'Update products' },
  { name: 'stock:write', description: 'Adjust product stock' },
  { name: 'webhooks:read', description: 'Read webhook endpoints and deliveries' },
  { name: 'webhooks:write', description: 'Manage webhook endpoints and redeliver' },
];

export const MACHINE_SCOPE_NAMES: readonly string[] = MACHINE_SCOPES.map((scope) => scope.name);

/** The scope string Cognito writes into an access token's `scope` claim. */
export const qualifiedScope = (name: string) => `${RESOURCE_SERVER_ID}/${name}`;
