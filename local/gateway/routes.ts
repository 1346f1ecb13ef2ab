import type { HttpFunction } from '../../functions/manifest';
import { routeKeyOf } from '../../functions/shared/http/operation';

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
          pathParameters[name] = decodeURIComponent(found[i + 1] as string);
        });
        return { fn: route.fn, routeKey: route.routeKey, pathParameters };
      }
      return undefined;
    },
  };
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
