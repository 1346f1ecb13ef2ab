import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NotFoundError } from '../shared/http/errors';
import { publicHandler } from '../shared/http/public-handler';
import { docsAsset } from './operations';

/**
 * The page's set-up. The bearer token pasted under "Authorize" lives in the page's memory only:
 * `persistAuthorization` would keep it in localStorage, where it outlives the tab and any script
 * of the origin can read it; a reload asks for it again. No option comes from the page's query
 * string, so a link cannot turn persistence on.
 */
const INIT_SCRIPT = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: 'StandaloneLayout',
  persistAuthorization: false,
  queryConfigEnabled: false,
  displayRequestDuration: true,
});
`;

const FILES: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
};

/**
 * In Lambda the stack copies swagger-ui-dist's files next to the bundle (`./swagger-ui/`);
 * in the local twin they are read from the installed package.
 */
function assetDirectory(): string {
  const beside = join(dirname(fileURLToPath(import.meta.url)), 'swagger-ui');
  if (existsSync(beside)) return beside;
  return dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/swagger-ui.css'));
}

const cache = new Map<string, string>();

export const handler = publicHandler(docsAsset, async (event) => {
  const file = event.pathParameters?.file ?? '';
  if (file === 'init.js') return asset(INIT_SCRIPT, 'application/javascript; charset=utf-8');
  const contentType = FILES[file];
  if (!contentType) throw new NotFoundError('Documentation file', file);
  let body = cache.get(file);
  if (body === undefined) {
    body = readFileSync(join(assetDirectory(), file), 'utf8');
    cache.set(file, body);
  }
  return asset(body, contentType);
});

const asset = (body: string, contentType: string) => ({
  statusCode: 200,
  headers: { 'content-type': contentType, 'cache-control': 'public, max-age=86400' },
  body,
});
