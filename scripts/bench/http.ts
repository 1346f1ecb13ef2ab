/**
 * A benchmark's HTTP client: never throws on a status, counts every response by status so a
 * run that meets failures goes on and reports them.
 */
export class StatusCounter {
  readonly byStatus = new Map<string, number>();

  count(label: string, status: number | string): void {
    const key = `${label} → ${status}`;
    this.byStatus.set(key, (this.byStatus.get(key) ?? 0) + 1);
  }

  failures(): Record<string, number> {
    return Object.fromEntries([...this.byStatus].filter(([key]) => !/→ 2\d\d$/.test(key)));
  }
}

// biome-ignore lint/suspicious/noExplicitAny: response bodies are whatever the API returns.
export interface Response<T = any> {
  status: number;
  body: T;
}

export function benchClient(baseUrl: string, counter: StatusCounter) {
  // biome-ignore lint/suspicious/noExplicitAny: as above.
  return async function call<T = any>(
    token: string,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Response<T>> {
    const label = `${method} ${path.replace(/\/[0-9A-Z]{26}(?=\/|$)/g, '/{id}')}`;
    try {
      const res = await fetch(baseUrl + path, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      counter.count(label, res.status);
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    } catch (error) {
      counter.count(label, (error as Error).name);
      return { status: 0, body: undefined as T };
    }
  };
}
