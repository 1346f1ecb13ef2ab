import * as z from 'zod';
import { httpFunctions } from '../manifest';
import { scopeOf } from '../shared/auth/permissions';
import type { Operation } from '../shared/http/operation';

/**
 * Builds the OpenAPI 3.1 document from the manifest's operations: the same zod schemas that
 * validate requests describe them (OpenAPI 3.1 schemas are JSON Schema 2020-12, which is
 * what zod emits). Problem responses share one schema.
 */
const ProblemSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string', description: 'Stable identifier, e.g. urn:orderly:problem:validation-error' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    requestId: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          field: { type: 'string', description: 'Where, e.g. body.lines.0.sku or header.if-match' },
          message: { type: 'string' },
          rule: { type: 'string', description: 'The approval rule concerned, for rule-set problems' },
        },
      },
    },
  },
};

const toSchema = (schema: z.ZodType, io: 'input' | 'output') => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return rest;
};

function parameters(op: Operation) {
  const list: Record<string, unknown>[] = [];
  const add = (where: 'path' | 'query', schema: z.ZodObject | undefined) => {
    if (!schema) return;
    const json = toSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, property] of Object.entries(json.properties ?? {})) {
      list.push({
        name,
        in: where,
        required: where === 'path' || (json.required ?? []).includes(name),
        schema: property,
      });
    }
  };
  add('path', op.params);
  add('query', op.query);
  if (op.idempotent) {
    list.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        op.idempotent === 'per-item'
          ? 'Remembered per item: a retry with the same key reports each item the first request created as `existing` with its id and creates only what it did not; an item that differs from the first request’s item at the same index is rejected (422).'
          : 'Retries with the same key return the first response; the same key with another body is refused (422).',
      schema: { type: 'string', minLength: 8, maxLength: 255 },
    });
  }
  if (op.requiresIfMatch) {
    list.push({
      name: 'If-Match',
      in: 'header',
      required: true,
      description: 'The ETag from your last read; 412 when the resource has changed since.',
      schema: { type: 'string' },
    });
  }
  return list;
}

/** The request body's schema, each restricted field marked with the roles that may set it. */
function bodySchema(op: Operation, body: z.ZodType) {
  const schema = toSchema(body, 'input') as { properties?: Record<string, Record<string, unknown>> };
  if ('public' in op.auth || !op.auth.fields) return schema;
  for (const [field, roles] of Object.entries(op.auth.fields)) {
    const property = schema.properties?.[field];
    if (!property) continue;
    const rule = `Only ${roles.join(', ')} may set it (403 for anyone else).`;
    property.description = property.description ? `${property.description}. ${rule}` : rule;
    property['x-roles'] = roles;
  }
  return schema;
}

function operationObject(op: Operation) {
  const responses: Record<string, unknown> = {};
  for (const [status, spec] of Object.entries(op.responses)) {
    const code = Number(status);
    if (spec.schema) {
      responses[status] = {
        description: spec.description,
        content: { 'application/json': { schema: toSchema(spec.schema, 'output') } },
      };
    } else if (code >= 400) {
      responses[status] = {
        description: spec.description,
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      };
    } else {
      responses[status] = {
        description: spec.description,
        content: { [spec.contentType ?? 'text/plain']: {} },
      };
    }
  }
  return {
    operationId: op.operationId,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    tags: [op.tag],
    security: 'public' in op.auth ? [] : [{ bearer: [] }],
    ...('roles' in op.auth
      ? {
          'x-roles': op.auth.roles,
          ...(op.auth.roles.includes('integration') ? { 'x-integration-scope': scopeOf(op) } : {}),
          ...(op.auth.fields ? { 'x-field-roles': op.auth.fields } : {}),
        }
      : {}),
    parameters: parameters(op),
    ...(op.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: bodySchema(op, op.body) } },
          },
        }
      : {}),
    responses,
  };
}

export function buildOpenApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { operation } of httpFunctions) {
    const path = operation.path.replace(/\{(\w+)\+\}/g, '{$1}');
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[operation.method.toLowerCase()] = operationObject(operation);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Orderly API',
      version: '1',
      description:
        'Sales management and order processing. Authenticate with a bearer JWT (Cognito ID token; locally `npm run token`). ' +
        'Each operation lists the roles that may call it (`x-roles`), the scope an integration needs (`x-integration-scope`) and the fields only some roles may set (`x-field-roles`). ' +
        'Money is an integer count of minor units plus an ISO 4217 currency. Errors are RFC 9457 problems.',
    },
    // Relative: the document is served by the API it describes, wherever that is deployed.
    servers: [{ url: '/' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Problem: ProblemSchema },
    },
    paths,
  };
}
