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
  /** `public` routes skip the JWT authorizer; every other route names the roles it allows. */
  auth: { public: true } | { roles: readonly Role[] };
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Creating POSTs accept an `Idempotency-Key`; a retry returns the first response. */
  idempotent?: boolean;
  /** Updates require `If-Match` with the version from the ETag (428 without, 412 when stale). */
  requiresIfMatch?: boolean;
  /** Largest accepted body; API Gateway's own limit is 10 MB, ours is much tighter. */
  maxBodyBytes?: number;
  responses: Record<number, ResponseSpec>;
}

export const routeKeyOf = (op: Pick<Operation, 'method' | 'path'>) => `${op.method} ${op.path}`;

export const isPublic = (op: Operation): boolean => 'public' in op.auth;

export function defineOperation<const T extends Operation>(op: T): T {
  return op;
}
