import type { HttpFunction } from '../../functions/manifest';
import { routeKeyOf } from '../../functions/shared/http/operation';
import { MalformedPathError } from './problems';

export interface RouteMatch {
  fn: HttpFunction;
  routeKey: string;
  pathParameters: Record<string, string>;
}

interface CompiledRoute {
  fn: HttpFunction;
  routeKey: string;
  method: string;
  pattern: RegExp;
  names: string[];
  literalSegments: number;
  greedy: boolean;
}

/**
 * Matches requests to manifest routes the way HTTP API does: `{name}` takes one path segment,
 * `{name+}` the rest; the most specific route wins (more literal segments, greedy last).
 * Parameters are percent-decoded; one that does not decode throws `MalformedPathError` (400).
 */
export function compileRoutes(functions: readonly HttpFunction[]) {
  const routes: CompiledRoute[] = functions.map((fn) => {
    const names: string[] = [];
    let greedy = false;
    const segments = fn.operation.path.split('/').filter(Boolean);
    const source = segments
      .map((segment) => {
        const param = /^\{(\w+)(\+?)\}$/.exec(segment);
        if (!param) return escapeRegExp(segment);
        names.push(param[1] as string);
        if (param[2]) {
          greedy = true;
          return '(.+)';
        }
        return '([^/]+)';
      })
      .join('/');
    return {
      fn,
      routeKey: routeKeyOf(fn.operation),
      method: fn.operation.method,
      pattern: new RegExp(`^/${source}/?$`),
      names,
      literalSegments: segments.filter((s) => !s.startsWith('{')).length,
      greedy,
    };
  });
  routes.sort((a, b) => Number(a.greedy) - Number(b.greedy) || b.literalSegments - a.literalSegments);

  return {
    routes,
    match(method: string, path: string): RouteMatch | undefined {
      for (const route of routes) {
        if (route.method !== method) continue;
        const found = route.pattern.exec(path);
        if (!found) continue;
        const pathParameters: Record<string, string> = {};
        route.names.forEach((name, i) => {
          pathParameters[name] = decodeParameter(found[i + 1] as string, path, name);
        });
        return { fn: route.fn, routeKey: route.routeKey, pathParameters };
      }
      return undefined;
    },
    /** The methods some route answers on this path: what a request with another method missed. */
    methodsOn(path: string): string[] {
      const methods = routes.filter((route) => route.pattern.test(path)).map((route) => route.method);
      return [...new Set(methods)].sort();
    },
  };
}

function decodeParameter(raw: string, path: string, name: string): string {
  try {
    return decodeURIComponent(raw);
  } catch (error) {
    if (error instanceof URIError) throw new MalformedPathError(path, name);
    throw error;
  }
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
