import { HttpError } from '../../functions/shared/http/errors';
import { quoteInput } from '../../functions/shared/http/quote-input';

/**
 * What the twin's gateway answers itself, before any function runs. API Gateway answers these
 * with bodies of its own (`{"message":"Not Found"}`, which HTTP APIs cannot customise); the twin
 * answers RFC 9457 problems like everything past the gateway, and says so in the README.
 */

/** No route for this method and path. HTTP APIs answer 404 for a wrong method too, never 405. */
export class RouteNotFoundError extends HttpError {
  constructor(method: string, path: string, methodsOnPath: readonly string[]) {
    const others = methodsOnPath.length ? `; this path answers ${methodsOnPath.join(', ')}` : '';
    super(
      404,
      'route-not-found',
      'No such route',
      `No route matches ${quoteInput(method, 20)} ${quoteInput(path)}${others}.`,
    );
  }
}

/** A path whose percent-encoding does not decode (e.g. `%E0%A4%A`): its parameters cannot be read. */
export class MalformedPathError extends HttpError {
  /** `parameter`: the path parameter that does not decode, named as validation names it (`path.orderId`). */
  constructor(path: string, parameter?: string) {
    super(
      400,
      'malformed-path',
      'The path is not valid',
      `The path ${quoteInput(path)} has a malformed percent-encoding.`,
      {
        errors: [{ field: parameter ? `path.${parameter}` : 'path', message: 'malformed percent-encoding' }],
      },
    );
  }
}

/** A request Node's HTTP parser refused before the gateway saw it: headers over 16 KiB (431), or not HTTP (400). */
export class UnparsableRequestError extends HttpError {
  constructor(headersTooLarge: boolean) {
    super(
      headersTooLarge ? 431 : 400,
      headersTooLarge ? 'headers-too-large' : 'malformed-request',
      headersTooLarge ? 'The request headers are too large' : 'The request is not valid HTTP',
      headersTooLarge ? 'The request headers exceed 16 KiB.' : 'The request could not be parsed.',
      {
        errors: [
          { field: 'header', message: headersTooLarge ? 'headers larger than 16 KiB' : 'not valid HTTP' },
        ],
      },
    );
  }
}
