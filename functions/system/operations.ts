import * as z from 'zod';
import { defineOperation } from '../shared/http/operation';

const tag = 'System';
const open = { public: true } as const;

export const health = defineOperation({
  operationId: 'health',
  method: 'GET',
  path: '/health',
  summary: 'Liveness: the API answers',
  tag,
  auth: open,
  responses: {
    200: { description: 'Up', schema: z.object({ status: z.literal('ok'), version: z.string() }) },
  },
});

export const openApiDocument = defineOperation({
  operationId: 'openApiDocument',
  method: 'GET',
  path: '/openapi.json',
  summary: 'This API described in OpenAPI 3.1',
  tag,
  auth: open,
  responses: { 200: { description: 'The OpenAPI document', schema: z.looseObject({ openapi: z.string() }) } },
});

export const docsPage = defineOperation({
  operationId: 'docsPage',
  method: 'GET',
  path: '/docs',
  summary: 'Interactive API documentation (Swagger UI, served offline)',
  tag,
  auth: open,
  responses: { 200: { description: 'HTML page', contentType: 'text/html' } },
});

export const docsAsset = defineOperation({
  operationId: 'docsAsset',
  method: 'GET',
  path: '/docs/{file+}',
  summary: 'Static files of the documentation page',
  tag,
  auth: open,
  params: z.strictObject({ file: z.string() }),
  responses: {
    200: { description: 'A Swagger UI script or stylesheet', contentType: 'application/javascript' },
    404: { description: 'No such file' },
  },
});
