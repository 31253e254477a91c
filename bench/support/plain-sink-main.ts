import { createWriteStream, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

/**
 * Child-process entry: the upload bench's reference for the intake. A plain node:http server that stores each request
 * body in a file of the given folder (as the gateway's spool does) with Node's defaults, answers 202 with `{}` (what
 * HttpGateway.postVideo waits for) and removes the file. No parsing, no checks: what the same client costs against
 * a server that does nothing but take the bytes.
 */
function main(): void {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: plain-sink-main.ts <folder>');
  let received = 0;
  const server = createServer((req, res) => {
    const file = join(dir, `sink-${++received}`);
    pipeline(req, createWriteStream(file)).then(
      () => res.writeHead(202, { 'content-type': 'application/json' }).end('{}'),
      () => res.writeHead(400).end(),
    );
    res.once('finish', () => rmSync(file, { force: true }));
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('the sink has no TCP address');
    process.stdout.write(`SINK http://127.0.0.1:${address.port}\n`);
  });
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
}

main();
