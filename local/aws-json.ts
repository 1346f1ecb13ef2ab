import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The AWS JSON wire protocol as the twin's endpoints speak it (Step Functions: JSON 1.0;
 * EventBridge: JSON 1.1): the request body as text, a JSON answer with its content type, and who
 * signed the request.
 */

/**
 * Every Lambda environment of the twin signs with its function's name as access key id, so an
 * endpoint knows the calling function as AWS knows a caller by its credentials. Letters and
 * digits only: DynamoDB Local refuses any other access key id.
 */
export const ACCESS_KEY_PREFIX = 'TWINFN';
export const accessKeyOf = (functionName: string) => `${ACCESS_KEY_PREFIX}${functionName}`;

/** The function a request comes from; undefined for other callers (the twin, tests, scripts). */
export function callerOf(req: IncomingMessage): string | undefined {
  const credential = /Credential=([^/,\s]+)\//.exec(String(req.headers.authorization ?? ''))?.[1];
  return credential?.startsWith(ACCESS_KEY_PREFIX) ? credential.slice(ACCESS_KEY_PREFIX.length) : undefined;
}
async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The request body as a JSON object (an empty body is `{}`); undefined when it is not JSON. */
export async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  try {
    return JSON.parse((await readBody(req)) || '{}');
  } catch {
    return undefined;
  }
}

export function replyAwsJson(
  res: ServerResponse,
  version: '1.0' | '1.1',
  status: number,
  body: unknown,
): void {
  res.statusCode = status;
  res.setHeader('content-type', `application/x-amz-json-${version}`);
  res.end(JSON.stringify(body));
}
