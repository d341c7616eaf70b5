import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as a webhook endpoint saw it: the body exactly as it arrived, for signature checks. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface WebhookReceiver {
  /** Where to point a webhook: `http://127.0.0.1:<port>/hooks`. */
  url: string;
  /**
   * The next request not taken yet, in arrival order: one already here, or the one that comes.
   * Awaiting it is how a test waits for a delivery (no sleeping, no polling).
   */
  next(): Promise<ReceivedRequest>;
  /** How requests are answered from now on (204 with no body until told otherwise). */
  answerWith(status: number, body?: string, headers?: Record<string, string>): void;
  close(): Promise<void>;
}

/**
 * A real HTTP endpoint on loopback, on a port the kernel picks, that records every request and
 * answers it at once. The server under test delivers to it only when started with
 * WEBHOOK_ALLOW_HTTP=true and WEBHOOK_ALLOW_PRIVATE_NETWORKS=true.
 */
export async function startReceiver(): Promise<WebhookReceiver> {
  const arrived: ReceivedRequest[] = [];
  const waiting: ((request: ReceivedRequest) => void)[] = [];
  let answer = { status: 204, body: '', headers: {} as Record<string, string> };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const { status, body, headers } = answer;
      res.writeHead(status, headers).end(body);
      const request = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      const waiter = waiting.shift();
      if (waiter) waiter(request);
      else arrived.push(request);
    });
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/hooks`,
    next() {
      const request = arrived.shift();
      return request ? Promise.resolve(request) : new Promise((resolve) => waiting.push(resolve));
    },
    answerWith(status, body = '', headers = {}) {
      answer = { status, body, headers };
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
