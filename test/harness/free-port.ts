import { AddressInfo, createServer } from 'node:net';

/** A free TCP port on 127.0.0.1 (a gateway must know its port before it starts: the redirect URI names it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
