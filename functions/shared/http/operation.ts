import type * as z from 'zod';
import type { Role } from '../auth/roles';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ResponseSpec {
  description: string;
  /** JSON body schema; omitted for bodies that are not JSON (HTML, etc.). */
  schema?: z.ZodType;
  /** Media type when not JSON. */
  contentType?: string;
}

/**
 * The contract of one HTTP operation: route, who may call it, and the zod schemas of its
 * inputs and outputs. It is the single source for validation in the handler, for the
 * route and roles in the manifest (CDK and local gateway), and for the OpenAPI document.
 */
export interface Operation {
  operationId: string;
  method: HttpMethod;
  /** API Gateway path syntax: `/v1/customers/{customerId}`; `{name+}` is a greedy parameter. */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  /** `public` routes skip the JWT authorizer; every other route names who may call it. */
  auth: { public: true } | RouteAuth;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /**
   * Creating POSTs accept an `Idempotency-Key`; a retry returns the first response. `'per-item'`
   * is for batches (`batch.ts`): the key is remembered per item, with what each item created.
   */
  idempotent?: boolean | 'per-item';
  /** Updates require `If-Match` with the version from the ETag (428 without, 412 when stale). */
  requiresIfMatch?: boolean;
  /** Largest accepted body; API Gateway's own limit is 10 MB, ours is much tighter. */
  maxBodyBytes?: number;
  responses: Record<number, ResponseSpec>;
}

/**
 * Who may call a private route, and with what. Enforced for every route by one mechanism
 * (`shared/auth/permissions.ts`), shown in the OpenAPI document, and tested as a matrix.
 */
export interface RouteAuth {
  /** The roles that may call the route at all. */
  roles: readonly Role[];
  /**
   * Body fields that need more than calling the route: a request that carries one of them (even as
   * `null`) needs one of its roles, or it is a 403 naming the field.
   */
  fields?: Readonly<Record<string, readonly Role[]>>;
  /**
   * The OAuth-style scope an `integration` principal needs here (other roles need none); default
   * from the tag and method, e.g. `orders:read`, `orders:write` (`scopeOf`).
   */
  scope?: string;
}

export const routeKeyOf = (op: Pick<Operation, 'method' | 'path'>) => `${op.method} ${op.path}`;

export const isPublic = (op: Operation): boolean => 'public' in op.auth;

export function defineOperation<const T extends Operation>(op: T): T {
  return op;
}
