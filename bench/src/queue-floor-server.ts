// The queue floor's server (queue-floor.ts runs it as a process of its own): bare node:http that
// spends the CPU time its path names, in microseconds (`/250`), on every answer, then sends the
// JSON it was given from memory. It prints its port once it listens.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const payload = Buffer.from(process.env.FLOOR_BODY ?? '{}');
const server = createServer((req, res) => {
  // A busy wait, not a sleep: the work is the CPU it keeps busy, as a handler's would be.
  const until = process.hrtime.bigint() + BigInt(Math.round(Number((req.url ?? '/').slice(1)) * 1000) || 0);
  while (process.hrtime.bigint() < until);
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': payload.length });
  res.end(payload);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
