import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { afterAll, describe, it } from 'vitest';
import { post } from '../../functions/webhooks/delivery/send';
import { ALLOW_PRIVATE_WEBHOOK_URLS_ENV } from '../../functions/webhooks/url-policy';

process.env[ALLOW_PRIVATE_WEBHOOK_URLS_ENV] = 'true';

/**
 * A receiver that keeps the first connection alive after answering, then resets it when a second
 * request arrives on it — what a receiver whose keep-alive idle timeout has just run out does to a
 * sender that reuses the socket. Every later connection is answered.
 */
const connections: Socket[] = [];
let requests = 0;
const server = createServer((socket) => {
  const index = connections.push(socket) - 1;
  let served = 0;
  socket.on('data', (chunk) => {
    if (!chunk.includes('\r\n\r\n')) return;
    requests += 1;
    if (index === 0 && served === 1) {
      socket.resetAndDestroy();
      return;
    }
    served += 1;
    socket.write('HTTP/1.1 204 No Content\r\nConnection: keep-alive\r\nKeep-Alive: timeout=60\r\n\r\n');
  });
  socket.on('error', () => {});
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hooks`;
afterAll(async () => {
  for (const socket of connections) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

describe('one attempt over a kept-alive connection', () => {
  it('a socket the receiver reset before reading is not the receiver’s failure: sent again on a new connection', async () => {
    const headers = { 'content-type': 'application/json' };
    const first = await post(url, headers, '{"n":1}', 5000);
    assert.equal(first.statusCode, 204, JSON.stringify(first));
    const second = await post(url, headers, '{"n":2}', 5000);
    assert.equal(second.error, undefined, JSON.stringify(second));
    assert.equal(second.statusCode, 204);
    // The reset request, then the same request again on a second connection.
    assert.equal(requests, 3);
    assert.equal(connections.length, 2);
  });
});
