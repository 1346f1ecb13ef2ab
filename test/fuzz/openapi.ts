/**
 * The operations of the API as its own description (`/openapi.json`) gives them: the fuzz suite
 * knows nothing else about the routes, so a new operation is fuzzed the day it is described.
 */

/** The part of JSON Schema 2020-12 that zod emits and the fuzz suite reads. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
}

export interface Parameter {
  name: string;
  required: boolean;
  schema: JsonSchema;
}

export interface ApiOperation {
  operationId: string;
  method: string;
  /** OpenAPI path template, e.g. `/v1/customers/{customerId}`. */
  path: string;
  public: boolean;
  pathParams: Parameter[];
  queryParams: Parameter[];
  /** Accepts `Idempotency-Key`. */
  idempotent: boolean;
  /** Requires `If-Match`. */
  ifMatch: boolean;
  body?: JsonSchema;
}

interface OpenApiOperation {
  operationId: string;
  security?: unknown[];
  parameters?: (Parameter & { in: 'path' | 'query' | 'header' })[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
}

export function operationsOf(document: {
  paths: Record<string, Record<string, OpenApiOperation>>;
}): ApiOperation[] {
  const operations: ApiOperation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const parameters = op.parameters ?? [];
      const header = (name: string) => parameters.some((p) => p.in === 'header' && p.name === name);
      operations.push({
        operationId: op.operationId,
        method: method.toUpperCase(),
        path,
        public: Array.isArray(op.security) && op.security.length === 0,
        pathParams: parameters.filter((p) => p.in === 'path'),
        queryParams: parameters.filter((p) => p.in === 'query'),
        idempotent: header('Idempotency-Key'),
        ifMatch: header('If-Match'),
        body: op.requestBody?.content['application/json']?.schema,
      });
    }
  }
  return operations;
}
