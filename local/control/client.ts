import { request } from 'node:http';

/** Nothing answers on the control socket: no twin runs on that data directory (or it was killed). */
export class NoTwinError extends Error {
  override name = 'NoTwinError';
}

export interface ControlResponse {
  status: number;
  body: unknown;
}

/** One request to the twin's control socket (local/control/server.ts), its JSON answer parsed; `body` is sent as JSON. */
export function callTwin(
  socketPath: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<ControlResponse> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers = payload === undefined ? {} : { 'content-type': 'application/json' };
  return new Promise((resolve, reject) => {
    const call = request({ socketPath, method, path, headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
      });
      response.on('end', () => {
        try {
          resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) });
        } catch {
          reject(new Error(`The twin answered ${response.statusCode} with a body that is not JSON.`));
        }
      });
      response.on('error', reject);
    });
    call.on('error', (error: NodeJS.ErrnoException) => {
      // ENOENT: no socket file; ECONNREFUSED: a file left by a twin that was killed.
      if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED') reject(new NoTwinError(error.message));
      else if (error.code === 'ECONNRESET') reject(new Error('The twin stopped before it answered.'));
      else reject(error);
    });
    call.end(payload);
  });
}
