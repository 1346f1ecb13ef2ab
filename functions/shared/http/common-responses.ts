import type { ResponseSpec } from './operation';

/** Problem responses most operations can give; listed in the OpenAPI document. */
export const problems = {
  400: { description: 'Invalid input: the problem names each field' },
  401: { description: 'Missing, malformed, expired or wrongly signed token' },
  403: { description: 'None of the caller’s roles may call this operation' },
  404: { description: 'No such resource in the caller’s tenant' },
  409: { description: 'Conflicts with the current state' },
  412: { description: 'If-Match is stale: the resource changed since it was read' },
  413: { description: 'Body too large' },
  415: { description: 'Body is not application/json' },
  422: {
    description: 'Well-formed but cannot be processed (e.g. Idempotency-Key reused with another request)',
  },
  428: { description: 'If-Match is required' },
} satisfies Record<number, ResponseSpec>;

export const pick = <K extends keyof typeof problems>(...codes: K[]) =>
  Object.fromEntries(codes.map((code) => [code, problems[code]])) as Pick<typeof problems, K>;
