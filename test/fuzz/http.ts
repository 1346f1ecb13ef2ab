import { Agent, request } from 'node:http';

/**
 * A plain HTTP/1.1 client that sends exactly what it is given: a path as written (`fetch` would
 * resolve `..` and re-encode it), any header, any bytes as body.
 */
export interface RawRequest {
  method: string;
  /** Path and query, percent-encoded already. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface RawResponse {
  status: number;
  contentType: string;
  text: string;
  /** The gateway's `apigw-requestid`: the correlation id of the function's log lines. */
  requestId?: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

export function send(baseUrl: string, req: RawRequest): Promise<RawResponse> {
  const base = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: base.hostname,
        port: base.port,
        method: req.method,
        path: req.path,
        headers: { ...req.headers, 'content-length': String(req.body?.length ?? 0) },
        agent,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            text: Buffer.concat(chunks).toString('utf8'),
            ...(res.headers['apigw-requestid'] ? { requestId: String(res.headers['apigw-requestid']) } : {}),
          }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(req.body);
  });
}

export function closeConnections(): void {
  agent.destroy();
}
