import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The ceiling every scenario is compared with: a bare node:http server answering a fixed
 * JSON body from memory. Whatever the booking API does on top of this is its cost.
 */
export async function startCeiling(body: string): Promise<{ url: string; close(): Promise<void> }> {
  const payload = Buffer.from(body);
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': payload.length });
    res.end(payload);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
