import { publicHandler } from '../shared/http/public-handler';
import { buildOpenApiDocument } from './openapi-document';
import { openApiDocument } from './operations';

let document: string | undefined;

/** The document is built once per execution environment, from the same schemas that validate. */
export const handler = publicHandler(openApiDocument, async () => {
  document ??= JSON.stringify(buildOpenApiDocument());
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json', 'cache-control': 'public, max-age=300' },
    body: document,
  };
});
