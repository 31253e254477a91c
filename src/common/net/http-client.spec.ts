import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from './http-client';

describe('http-client', () => {
  let server: Server;
  let base: string;
  const seen: { method?: string; url?: string; body: string }[] = [];
  const agent = new Agent();

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, body });
        res.setHeader('content-type', 'text/plain');
        res.end(`answer to ${req.method} ${req.url}`);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await agent.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('should send the path with its query through the given dispatcher and read the answer', async () => {
    const response = await request(`${base}/v2/post/?fields=a,b`, { dispatcher: agent, method: 'POST', body: '{}' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/plain');
    expect(await response.body.text()).toBe('answer to POST /v2/post/?fields=a,b');
    expect(seen.at(-1)).toEqual({ method: 'POST', url: '/v2/post/?fields=a,b', body: '{}' });
  });

  it('should default the method as undici does: GET without a body, PUT with one', async () => {
    await (await request(`${base}/plain`, { dispatcher: agent })).body.dump();
    expect(seen.at(-1)).toMatchObject({ method: 'GET', url: '/plain' });
    await (await request(`${base}/chunk`, { dispatcher: agent, body: 'bytes' })).body.dump();
    expect(seen.at(-1)).toEqual({ method: 'PUT', url: '/chunk', body: 'bytes' });
  });
});
