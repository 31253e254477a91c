import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { connectUser } from '../support/connect-flow';
import { createTenant, startTestApp, TestApp } from '../support/test-app';
import { createTestDatabase, TestDatabase, usingPostgres } from '../support/test-database';
import { FIXTURES, postVideo, waitForFinal } from '../support/uploads';
import { ProxyMode, TcpProxy } from './support/tcp-proxy';

// The machine's PostgreSQL serves other suites, so it is never stopped: the gateway reaches it through a proxy
// that this test cuts and restores.
(usingPostgres ? describe : describe.skip)('PostgreSQL outage', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let t: TestApp;
  let apiKey: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    proxy = await TcpProxy.start(TcpProxy.forUrl(database.url));
    t = await startTestApp({ database: { url: proxy.rewrite(database.url), drop: async () => undefined } });
    ({ apiKey } = await createTenant(t.app));
    await connectUser(t.app.getHttpServer(), apiKey, 'steady');
  });
  afterAll(async () => {
    await proxy?.setMode('up');
    await t?.close();
    await proxy?.close();
    await database?.drop();
  });

  beforeEach(async () => {
    await proxy.setMode('up');
    await recovers();
  });

  const server = () => t.app.getHttpServer();
  const me = () => request(server()).get('/api/me').set('X-API-Key', apiKey);

  // Readiness and a request through the pool: connections the pool opened into the outage give up after their 5 s
  // connect timeout, so an API request can lag readiness by a few seconds.
  async function recovers(): Promise<void> {
    const deadline = Date.now() + 15_000;
    while ((await request(server()).get('/health/ready')).status !== 200 || (await me()).status !== 200) {
      if (Date.now() > deadline) throw new Error('Readiness and the API did not come back within 15 s');
      await sleep(100);
    }
  }

  // `blackhole`: a database that accepts and never answers (a partition without RST, a stuck server).
  it.each<ProxyMode>(['refuse', 'reset', 'blackhole'])(
    'should answer 503 service_unavailable while the database is down (%s), and recover by itself',
    async (mode) => {
      await request(server()).get('/health/ready').expect(200);
      await proxy.setMode(mode);

      const ready = await request(server()).get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.error.code).toBe('service_unavailable');
      const began = Date.now();
      const refused = await me();
      expect({ status: refused.status, code: refused.body.error?.code }).toEqual({
        status: 503,
        code: 'service_unavailable',
      });
      // A caller learns of the outage in seconds, not after a minute-long pool wait.
      expect(Date.now() - began).toBeLessThan(10_000);
      await request(server()).get('/health/live').expect(200);
      // The gateway may answer 503 before the client has sent the whole file, and close: EPIPE on our side.
      const upload = await postVideo(server(), apiKey, join(FIXTURES, 'h264.mp4'), { userId: 'steady' }).catch(
        (error: { code?: string }) => error,
      );
      if ('status' in upload) expect(upload.status).toBe(503);
      else expect(upload.code).toBe('EPIPE');
      expect(readdirSync(t.config.uploads.spoolDir)).toEqual([]);

      await proxy.setMode('up');
      await recovers();
      const accepted = await postVideo(server(), apiKey, join(FIXTURES, 'h264.mp4'), { userId: 'steady' }).expect(202);
      expect(await waitForFinal(server(), apiKey, accepted.body.id as string)).toMatchObject({
        status: 'inbox_delivered',
      });
    },
    60_000,
  );
});

if (!usingPostgres) console.info('PostgreSQL outage suite skipped: set TEST_DATABASE_URL to run it.');
