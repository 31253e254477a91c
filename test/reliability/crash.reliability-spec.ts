import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '../../src/tokens/connection.entity';
import { TikTokSandbox } from '../../src/tiktok-sandbox/tiktok-sandbox';
import { SandboxControl } from '../../src/tiktok-sandbox/sandbox-control';
import { makeLargeVideo } from '../support/make-large-video';
import { createTestDatabase, TestDatabase, usingPostgres } from '../support/test-database';
import { DatabasePeek } from './support/database-peek';
import { freePort } from '../harness/free-port';
import { ensureBuilt, GatewayProcess } from '../harness/gateway-process';
import { HttpGateway } from '../harness/http-gateway';
import { LiveGatewaySetup, liveCredentials, liveGatewayEnv, startLiveSandbox } from './support/live-gateway-env';
import { SecretLedger } from './support/secrets';
import { TcpProxy } from './support/tcp-proxy';
import { UPLOAD_LEASE_MS } from '../../src/uploads/delivery/upload-delivery.job';
import { REFRESH_LEASE_MS } from '../../src/tokens/token-refresh.service';
import { MIN_CHUNK_BYTES } from '../../src/tiktok-api/tiktok-limits';

/** TikTok's smallest chunk (5 MiB). */
const MB5 = MIN_CHUNK_BYTES;

describe(`A gateway process killed with SIGKILL (${usingPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  const ledger = new SecretLedger();
  const processLogs: string[] = [];
  let setup: LiveGatewaySetup;
  let sandbox: TikTokSandbox;
  let control: SandboxControl;
  let tiktok: TcpProxy;
  let database: TestDatabase;
  let peek: DatabasePeek;
  let work: string;
  let env: Record<string, string>;
  let gateway: GatewayProcess | undefined;
  let main: string;

  beforeAll(async () => {
    main = ensureBuilt();
    setup = liveCredentials(await freePort(), ledger);
    sandbox = await startLiveSandbox(setup);
    control = new SandboxControl(sandbox.baseUrl);
    // The API goes through a proxy so a refresh can be caught in flight; the browser and chunk PUTs go direct.
    tiktok = await TcpProxy.start(TcpProxy.forUrl(sandbox.baseUrl));
    database = await createTestDatabase();
    work = mkdtempSync(join(tmpdir(), 'tgw-crash-'));
    const wiring = {
      databaseUrl: database.url,
      apiBaseUrl: tiktok.rewrite(sandbox.baseUrl),
      authUrl: sandbox.authorizeUrl,
      spoolDir: join(work, 'spool'),
    };
    env = liveGatewayEnv(setup, wiring, {
      UPLOAD_CHUNK_BYTES: String(MB5),
      TOKEN_REFRESH_INTERVAL_SECONDS: '1',
      // The test polls uploads and status many times a second for up to a minute and a half, across endpoints that
      // share one key's budget; the rate limit is not what it tests.
      RATE_LIMIT_API_PER_MINUTE: '100000',
    });
  }, 120_000);

  afterAll(async () => {
    await gateway?.stop();
    await peek?.close();
    await tiktok?.close();
    await sandbox?.stop();
    await database?.drop();
    if (work) rmSync(work, { recursive: true, force: true });
    if (main) rmSync(join(main, '..', '..', '..'), { recursive: true, force: true });
  });

  const start = async () => {
    gateway = await GatewayProcess.start(main, setup.port, env, work);
    return gateway;
  };

  it('should finish a multi-chunk upload and a refresh cut by kill -9, once each, after a restart', async () => {
    const first = await start();
    const admin = new HttpGateway(first.baseUrl);
    const tenant = await admin.createTenant(setup.adminKey);
    ledger.add('API key', tenant.apiKey);
    ledger.add('webhook secret', tenant.webhookSecret);
    const api = admin.withApiKey(tenant.apiKey);
    for (const userId of ['uploader', 'refresher']) ledger.add(`OAuth code of ${userId}`, await api.connect(userId));
    peek = await DatabasePeek.open(database.url);
    const before = await whileLocked(() => peek.em.findOneOrFail(Connection, { userId: 'refresher' }));

    // A 4-chunk upload, slowed so the crash lands between its first and last chunk.
    await control.setLatency(1000);
    const video = await makeLargeVideo(4 * MB5 + 99, work);
    const accepted = await api.postVideo(video, { userId: 'uploader', mode: 'direct', privacyLevel: 'SELF_ONLY' });
    await api.waitForUpload(accepted.id, 30_000, (u) => u.progress.uploadedChunks >= 1);

    // A refresh whose request is on the wire to TikTok (held by the proxy, not yet seen by TikTok) at the kill.
    await tiktok.setMode('blackhole');
    await whileLocked(() =>
      peek.em.nativeUpdate(Connection, { id: before.id }, { accessTokenExpiresAt: new Date(Date.now() + 60_000) }),
    );
    await waitUntil(() => tiktok.held.some((h) => h.bytes.toString('latin1').includes('POST /v2/oauth/token/')));
    const cut = await api.upload(accepted.id);
    expect(cut).toMatchObject({ status: 'uploading' });
    expect(cut.progress.uploadedChunks).toBeLessThan(4);

    await first.kill9();
    processLogs.push(first.logs());
    const killedAt = Date.now();
    await tiktok.setMode('up');
    await control.setLatency(0);

    await start();
    const done = await api.waitForUpload(accepted.id, UPLOAD_LEASE_MS + 30_000);
    const uploadResumedAfterMs = Date.now() - killedAt;
    expect(done).toMatchObject({ status: 'published', progress: { uploadedChunks: 4, totalChunks: 4 } });
    expect((await control.stats()).inits.map((group) => group.count)).toEqual([1]);
    expect((await control.publishes()).filter((p) => p.status === 'PUBLISH_COMPLETE')).toHaveLength(1);
    // The only breaches TikTok may see are the crash's own: a PUT cut mid-body, or (a chunk stored whose answer died
    // with the process) the 416 the next owner reconciles from.
    const crashMarks = /content_length_mismatch|range|416/i;
    expect((await control.violations()).filter((v) => !crashMarks.test(`${v.rule} ${v.message}`))).toEqual([]);
    expect(readdirSync(join(work, 'spool'))).toEqual([]);

    // Read through the API: a second SQLite writer (this test) would contend with the gateway for the lock.
    const refreshed = await waitUntil(async () => {
      const status = await api.status('refresher');
      return Date.parse(status.accessTokenExpiresAt ?? '') > Date.now() + 3_600_000 ? status : undefined;
    }, REFRESH_LEASE_MS + 30_000);
    expect(refreshed).toMatchObject({ connected: true, status: 'active' });
    for (const userId of ['uploader', 'refresher']) {
      expect(await api.status(userId)).toMatchObject({ connected: true, status: 'active' });
      expect((await api.creatorInfo(userId)).status).toBe(200);
    }
    expect((await control.stats()).refreshTokenReused).toBe(false);
    // Two code exchanges and one refresh reached TikTok: the request cut by the crash never did, nothing repeated.
    expect((await control.requests()).filter((r) => r.path === '/v2/oauth/token/')).toHaveLength(3);
    // The dead owner's leases hold the work until they lapse; this is the price of a crash.
    console.info(
      `kill -9 recovery: upload final ${uploadResumedAfterMs} ms after the kill (lease ${UPLOAD_LEASE_MS} ms)`,
    );
  }, 180_000);

  it('should leave no token, code, key or secret in the processes’ output or in the database', async () => {
    await gateway?.stop();
    const output = [...processLogs, gateway?.logs() ?? ''].join('\n');
    expect(output).toContain('tiktok-gateway listening on');
    expect(ledger.findIn(output)).toEqual([]);
    expect(ledger.findIn(await peek.dumpEverything())).toEqual([]);
  });
});

async function waitUntil<T>(read: () => T | Promise<T>, timeoutMs = 20_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error('Condition not met in time');
    await sleep(50);
  }
}

/** SQLite has one writer: the test's own statements wait while the gateway process holds the lock. */
async function whileLocked<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt > 50 || !/locked/i.test(String(error))) throw error;
      await sleep(100);
    }
  }
}
