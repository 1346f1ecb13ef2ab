import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type * as z from 'zod';
import {
  MalformedJsonError,
  PayloadTooLargeError,
  PreconditionRequiredError,
  UnsupportedMediaTypeError,
  ValidationError,
} from './errors';
import type { Operation } from './operation';
import { parseOrThrow } from './validation';

const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{8,255}$/;

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface ParsedRequest<Op extends Operation> {
  params: Out<Op['params']>;
  query: Out<Op['query']>;
  body: Out<Op['body']>;
  /** The version the client last saw, from `If-Match` (required where the operation says so). */
  ifMatch: Op['requiresIfMatch'] extends true ? number : undefined;
  idempotencyKey: string | undefined;
}

/** Validates everything the client sent against the operation's contract; throws a 4xx on the first layer that fails. */
export function parseRequest<Op extends Operation>(op: Op, event: APIGatewayProxyEventV2): ParsedRequest<Op> {
  const headers = event.headers ?? {};
  const idempotencyKey = headers['idempotency-key'];
  if (idempotencyKey !== undefined && (!op.idempotent || !IDEMPOTENCY_KEY_PATTERN.test(idempotencyKey))) {
    throw new ValidationError([
      {
        field: 'header.idempotency-key',
        message: op.idempotent
          ? 'must be 8 to 255 visible ASCII characters'
          : 'not accepted on this operation',
      },
    ]);
  }
  return {
    params: (op.params ? parseOrThrow(op.params, event.pathParameters ?? {}, 'path') : undefined) as Out<
      Op['params']
    >,
    query: (op.query ? parseOrThrow(op.query, event.queryStringParameters ?? {}, 'query') : undefined) as Out<
      Op['query']
    >,
    body: (op.body ? parseOrThrow(op.body, readJsonBody(op, event), 'body') : undefined) as Out<Op['body']>,
    ifMatch: (op.requiresIfMatch
      ? readIfMatch(headers['if-match'])
      : undefined) as ParsedRequest<Op>['ifMatch'],
    idempotencyKey,
  };
}

function readJsonBody(op: Operation, event: APIGatewayProxyEventV2): unknown {
  const raw = event.body ?? '';
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  const limit = op.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (Buffer.byteLength(text, 'utf8') > limit) throw new PayloadTooLargeError(limit);
  const contentType = event.headers?.['content-type'];
  if (!contentType || !/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(contentType)) {
    throw new UnsupportedMediaTypeError(contentType);
  }
  if (text.trim() === '') throw new ValidationError([{ field: 'body', message: 'required' }]);
  try {
    return JSON.parse(text);
  } catch {
    throw new MalformedJsonError();
  }
}

/** Accepts `"3"`, `W/"3"` or a bare `3`; the version is the whole ETag. */
function readIfMatch(header: string | undefined): number {
  if (header === undefined) throw new PreconditionRequiredError();
  const match = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(header);
  if (!match?.[1]) {
    throw new ValidationError([
      { field: 'header.if-match', message: 'must be the ETag of the resource, e.g. "3"' },
    ]);
  }
  return Number(match[1]);
}
