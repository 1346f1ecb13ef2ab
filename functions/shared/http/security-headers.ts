import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/**
 * Headers every response of the API carries, success or problem, JSON or HTML. `nosniff`: a
 * browser takes the declared content type as it is and never guesses a script or a page out of
 * a JSON body that echoes what someone sent.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
};

/** The result with the security headers added; they win over a handler's own of the same name. */
export function withSecurityHeaders(
  result: APIGatewayProxyStructuredResultV2,
): APIGatewayProxyStructuredResultV2 {
  return { ...result, headers: { ...result.headers, ...SECURITY_HEADERS } };
}
