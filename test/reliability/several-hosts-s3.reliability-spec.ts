import { ListMultipartUploadsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SandboxControl } from '../../src/tiktok-sandbox/sandbox-control';
import { TikTokSandbox } from '../../src/tiktok-sandbox/tiktok-sandbox';
import { MIN_CHUNK_BYTES } from '../../src/tiktok-api/tiktok-limits';
import { UPLOAD_LEASE_MS } from '../../src/uploads/delivery/upload-delivery.job';
import { makeLargeVideo } from '../support/make-large-video';
import { S3RVER_CREDENTIALS, startS3Server, TestS3Server } from '../support/s3-server';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { FIXTURES } from '../support/uploads';
import { freePort } from '../harness/free-port';
import { ensureBuilt, GatewayProcess } from '../harness/gateway-process';
import { HttpGateway, UploadView } from '../harness/http-gateway';
import { LiveGatewaySetup, liveCredentials, liveGatewayEnv } from './support/live-gateway-env';
import { SecretLedger } from './support/secrets';

const MB5 = MIN_CHUNK_BYTES;
const VIDEO = join(FIXTURES, 'h264.mp4');
const INIT_PATH = '/v2/post/publish/video/init/';
const POST = { mode: 'direct', privacyLevel: 'SELF_ONLY' };

/** Root with util-linux: then each gateway also gets an empty tmpfs over the other's spool, as on two hosts. */
function canHideFolders(): boolean {
  try {
    execFileSync('unshare', ['--mount', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const runnable = Boolean(process.env.TEST_DATABASE_URL);
if (!runnable) console.info('Several hosts (S3) skipped: set TEST_DATABASE_URL (hosts share PostgreSQL).');

// Two gateway processes on one PostgreSQL database with UPLOAD_STORAGE=s3 (s3rver on loopback, a real S3-protocol
// server): every received video is in the bucket, so either instance sends any upload, also after the other's crash.
(runnable ? describe : describe.skip)('Several hosts with S3 storage (PostgreSQL, one bucket)', () => {
  const ledger = new SecretLedger();
  const hide = canHideFolders();
  let main: string;
  let setup: LiveGatewaySetup;
  let sandbox: TikTokSandbox;
  let control: SandboxControl;
  let database: TestDatabase;
  let s3: TestS3Server;
  let bucket: S3Client;
  let work: string;
  const hosts: Record<
    'a' | 'b',
    { port: number; spool: string; env: Record<string, string>; gateway?: GatewayProcess }
  > = {} as never;
  let tenant: { id: string; apiKey: string };

  const start = async (name: 'a' | 'b') => {
    const host = hosts[name];
    const other = hosts[name === 'a' ? 'b' : 'a'];
    host.gateway = await GatewayProcess.start(main, host.port, host.env, join(work, name), {
      hide: hide ? join(other.spool, '..') : undefined,
    });
    return host.gateway;
  };
  const api = (name: 'a' | 'b') => new HttpGateway(hosts[name].gateway!.baseUrl).withApiKey(tenant.apiKey);
  const objects = async () =>
    ((await bucket.send(new ListObjectsV2Command({ Bucket: s3.bucket }))).Contents ?? []).map((o) => o.Key);
  const incompleteUploads = async () =>
    (await bucket.send(new ListMultipartUploadsCommand({ Bucket: s3.bucket }))).Uploads ?? [];

  beforeAll(async () => {
    main = ensureBuilt();
    s3 = await startS3Server();
    bucket = new S3Client({
      region: s3.region,
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: S3RVER_CREDENTIALS,
    });
    const [portA, portB] = [await freePort(), await freePort()];
    setup = liveCredentials(portA, ledger);
    const publicUrlB = `http://127.0.0.1:${portB}`;
    sandbox = new TikTokSandbox({
      clientKey: setup.clientKey,
      clientSecret: setup.clientSecret,
      redirectUris: [`${setup.publicUrl}/api/auth/tiktok/callback`, `${publicUrlB}/api/auth/tiktok/callback`],
      processingDelayMs: 50,
    });
    await sandbox.start(0, '127.0.0.1');
    control = new SandboxControl(sandbox.baseUrl);
    database = await createTestDatabase();
    work = mkdtempSync(join(tmpdir(), 'tgw-hosts-s3-'));
    for (const [name, port, publicUrl] of [
      ['a', portA, setup.publicUrl],
      ['b', portB, publicUrlB],
    ] as const) {
      const spool = join(work, name, 'spool');
      mkdirSync(spool, { recursive: true });
      const wiring = {
        databaseUrl: database.url,
        apiBaseUrl: sandbox.baseUrl,
        authUrl: sandbox.authorizeUrl,
        spoolDir: spool,
      };
      const env = liveGatewayEnv({ ...setup, port, publicUrl }, wiring, {
        ...s3.env,
        INSTANCE_ID: `host-${name}`,
        UPLOAD_CHUNK_BYTES: String(MB5),
        RATE_LIMIT_API_PER_MINUTE: '100000',
      });
      hosts[name] = { port, spool, env };
    }
    await start('a');
    await start('b');
    tenant = await new HttpGateway(hosts.a.gateway!.baseUrl).createTenant(setup.adminKey);
    ledger.add('API key', tenant.apiKey);
  }, 120_000);

  afterAll(async () => {
    await hosts.a?.gateway?.stop();
    await hosts.b?.gateway?.stop();
    await sandbox?.stop();
    await database?.drop();
    bucket?.destroy();
    await s3?.close();
    if (work) rmSync(work, { recursive: true, force: true });
    if (main) rmSync(join(main, '..', '..', '..'), { recursive: true, force: true });
  });

  it('should deliver sixteen uploads posted through both hosts, whichever host sends them', async () => {
    await api('a').connect('u0', 'creator');
    await api('b').connect('u1', 'short_limit_creator');
    const initsBefore = (await control.requests()).filter((r) => r.path === INIT_PATH).length;
    // Some chunk PUTs answer 500 and some uploads wait for TikTok's init budget: those are retried later, by either.
    await control.failNextChunkPuts(4);

    const posted: string[] = [];
    for (let i = 0; i < 16; i++) {
      const via = i % 2 ? 'b' : 'a';
      posted.push((await api(via).postVideo(VIDEO, { ...POST, userId: `u${Math.floor(i / 2) % 2}` })).id);
    }
    const final = await waitForAll(api('a'), posted, 180_000);

    expect(final.map((u) => `${u.status}${u.error ? `:${u.error.code}` : ''}`)).toEqual(posted.map(() => 'published'));
    expect((await control.requests()).filter((r) => r.path === INIT_PATH).length - initsBefore).toBe(16);
    expect(new Set(final.map((u) => u.publishId)).size).toBe(16);
    expect(await control.violations()).toEqual([]);
    // Nothing was kept on either host's disk, and the bucket is empty once all are final.
    expect([readdirSync(hosts.a.spool), readdirSync(hosts.b.spool)]).toEqual([[], []]);
    expect(await settled(objects)).toEqual([]);
  }, 240_000);

  it('should finish on the other host an upload whose receiving host was killed mid-transfer, one init', async () => {
    await api('a').connect('crash', 'creator');
    // Only A runs while the upload is received and its first chunk sent, so A is the one sending it.
    await hosts.b.gateway!.stop();
    const inits = (await control.stats()).inits.length;
    // Eight chunks at 3 s an answer: B's start-up fits well inside the transfer.
    await control.setLatency(3000);
    const size = 8 * MB5 + 99;
    const video = await makeLargeVideo(size, work);
    const accepted = await api('a').postVideo(video, { ...POST, userId: 'crash' });
    await api('a').waitForUpload(accepted.id, 60_000, (u) => u.progress.uploadedChunks >= 1);
    await start('b');
    const cut = await api('b').upload(accepted.id);
    expect(cut.status).toBe('uploading');
    expect(cut.progress.uploadedChunks).toBeLessThan(8);

    await hosts.a.gateway!.kill9();
    await control.setLatency(0);

    const done = await api('b').waitForUpload(accepted.id, UPLOAD_LEASE_MS + 30_000);
    expect(done).toMatchObject({ status: 'published', progress: { uploadedBytes: size, uploadedChunks: 8 } });
    const stats = await control.stats();
    expect(stats.inits).toHaveLength(inits + 1);
    expect(stats.inits.filter((group) => group.publishIds.includes(done.publishId!))[0].count).toBe(1);
    const [publish] = (await control.publishes()).filter((p) => p.publishId === done.publishId);
    // Bytes identical at TikTok: the new owner's ranged reads from the bucket continued the file exactly.
    const sha256 = createHash('sha256').update(readFileSync(video)).digest('hex');
    expect(publish).toMatchObject({ status: 'PUBLISH_COMPLETE', uploadedBytes: size, receivedSha256: sha256 });
    // The only breaches TikTok may see are the crash's own (a PUT cut mid-body, the 416 the next owner reconciles).
    const crashMarks = /content_length_mismatch|range|416/i;
    expect((await control.violations()).filter((v) => !crashMarks.test(`${v.rule} ${v.message}`))).toEqual([]);
    expect(await settled(objects)).toEqual([]);
    expect(await incompleteUploads()).toEqual([]);
    await start('a');
  }, 180_000);

  it('should leave no key or secret in the processes’ output, nor the local-storage line', async () => {
    await hosts.a.gateway?.stop();
    const output = `${hosts.a.gateway?.logs() ?? ''}\n${hosts.b.gateway?.logs() ?? ''}`;
    expect(output).not.toContain('Several hosts with local storage');
    expect(ledger.findIn(output)).toEqual([]);
  });
});

async function waitForAll(gateway: HttpGateway, ids: string[], timeoutMs: number): Promise<UploadView[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const views = await Promise.all(ids.map((id) => gateway.upload(id)));
    if (views.every((u) => ['inbox_delivered', 'published', 'failed', 'cancelled'].includes(u.status))) return views;
    if (Date.now() > deadline) throw new Error(`Uploads not final in time: ${JSON.stringify(views)}`);
    await sleep(1000);
  }
}

/** What `list` returns once it is empty, or after 15 s whatever it then holds. */
async function settled<T>(list: () => Promise<T[]>): Promise<T[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const found = await list();
    if (found.length === 0 || Date.now() > deadline) return found;
    await sleep(200);
  }
}
