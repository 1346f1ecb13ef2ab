import { publicHandler } from '../shared/http/public-handler';
import { toApiGatewayResult } from '../shared/http/response';
import { health } from './operations';

/** Answers without touching a dependency: it says the API is reachable, not that DynamoDB is. */
export const handler = publicHandler(health, async () =>
  toApiGatewayResult({ status: 200, body: { status: 'ok', version: process.env.ORDERLY_VERSION ?? 'dev' } }),
);
