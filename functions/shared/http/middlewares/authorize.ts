import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { assertMayCall } from '../../auth/permissions';
import { type Principal, principalFromEvent } from '../../auth/principal';
import type { Operation } from '../operation';

export const PRINCIPAL = Symbol('orderly.principal');
export type EventWithPrincipal = APIGatewayProxyEventV2WithJWTAuthorizer & { [PRINCIPAL]?: Principal };

/**
 * API Gateway's JWT authorizer has verified the token; this checks what it cannot: the token's
 * type, that it names a tenant, and that the caller may call this route (roles, scopes). Which
 * fields the caller may set is checked once the body is parsed (`assertMaySetFields`).
 */
export function authorize(op: Operation): MiddlewareObj<EventWithPrincipal> {
  return {
    before: (request) => {
      const principal = principalFromEvent(request.event);
      assertMayCall(principal, op);
      request.event[PRINCIPAL] = principal;
    },
  };
}
