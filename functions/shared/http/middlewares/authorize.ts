import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { assertAllowed, type Principal, principalFromEvent } from '../../auth/principal';
import type { Role } from '../../auth/roles';

export const PRINCIPAL = Symbol('orderly.principal');
export type EventWithPrincipal = APIGatewayProxyEventV2WithJWTAuthorizer & { [PRINCIPAL]?: Principal };

/**
 * API Gateway's JWT authorizer has verified the token; this checks what it cannot: that the
 * token names a tenant and that one of the caller's roles (Cognito groups) is allowed here.
 */
export function authorize(allowed: readonly Role[]): MiddlewareObj<EventWithPrincipal> {
  return {
    before: (request) => {
      const principal = principalFromEvent(request.event);
      assertAllowed(principal, allowed, request.event.routeKey);
      request.event[PRINCIPAL] = principal;
    },
  };
}
