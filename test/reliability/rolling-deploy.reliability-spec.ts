import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, openAsBlob, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SandboxControl } from '../../src/tiktok-sandbox/sandbox-control';
import { TikTokSandbox } from '../../src/tiktok-sandbox/tiktok-sandbox';
import { MIN_CHUNK_BYTES } from '../../src/tiktok-api/tiktok-limits';
import { UPLOAD_LEASE_MS } from '../../src/uploads/delivery/upload-delivery.job';
import { makeLargeVideo } from '../support/make-large-video';
import { S3RVER_CREDENTIALS, startS3Server, TestS3Server } from '../support/s3-server';
import { createTestDatabase, TestDatabase, usingPostgres } from '../support/test-database';
import { FIXTURES } from '../support/uploads';
import { freePort } from '../harness/free-port';
import { ensureBuilt, GatewayProcess } from '../harness/gateway-process';
import { HttpGateway, UploadView } from '../harness/http-gateway';
import { LiveGatewaySetup, liveCredentials, liveGatewayEnv, startLiveSandbox } from './support/live-gateway-env';
import { SecretLedger } from './support/secrets';

/** TikTok's smallest chunk (5 MiB). */
const MB5 = MIN_CHUNK_BYTES;
const CHUNKS = 8;
/** Every TikTok answer takes this long while the first instance sends, so the signal lands mid-chunk. */
const SLOW_TIKTOK_MS = 3_000;
const GRACE_SECONDS = 20;

// A rolling deploy: instance A gets SIGTERM while it sends an upload; instance B, on the same database, takes over.
// With local storage both see one spool folder here (one host); with S3 storage (s3rver on loopback) the bytes are
// in the bucket, where any instance reads them.
describe.each(['local', 's3'] as const)(
  `SIGTERM to an instance mid-transfer (UPLOAD_STORAGE=%s), another on the same ${usingPostgres ? 'PostgreSQL' : 'SQLite'} database`,
  (storage) => {
    let main: string;
    let setup: LiveGatewaySetup;
    let sandbox: TikTokSandbox;
    let control: SandboxControl;
    let database: TestDatabase;
    let work: string;
    let env: Record<string, string>;
    const gateways: GatewayProcess[] = [];
    let s3: TestS3Server | undefined;
    /** What is still stored: the spool folder's files, or the bucket's objects. */
    const stored = async (): Promise<string[]> => {
      if (!s3) return readdirSync(join(work, 'spool'));
      const client = new S3Client({
        region: s3.region,
        endpoint: s3.endpoint,
        forcePathStyle: true,
        credentials: S3RVER_CREDENTIALS,
      });
      try {
        return ((await client.send(new ListObjectsV2Command({ Bucket: s3.bucket }))).Contents ?? []).map((o) => o.Key!);
      } finally {
        client.destroy();
      }
    };

    beforeAll(async () => {
      main = ensureBuilt();
      setup = liveCredentials(await freePort(), new SecretLedger());
      sandbox = await startLiveSandbox(setup);
      control = new SandboxControl(sandbox.baseUrl);
      database = await createTestDatabase();
      work = mkdtempSync(join(tmpdir(), 'tgw-rolling-'));
      const wiring = {
        databaseUrl: database.url,
        apiBaseUrl: sandbox.baseUrl,
        authUrl: sandbox.authorizeUrl,
        spoolDir: join(work, 'spool'),
      };
      if (storage === 's3') s3 = await startS3Server();
      env = liveGatewayEnv(setup, wiring, {
        ...s3?.env,
        UPLOAD_CHUNK_BYTES: String(MB5),
        SHUTDOWN_GRACE_SECONDS: String(GRACE_SECONDS),
        // The test polls progress many times a second; the rate limit is not what it tests.
        RATE_LIMIT_API_PER_MINUTE: '100000',
      });
    }, 120_000);

    afterAll(async () => {
      await Promise.all(gateways.map((gateway) => gateway.stop()));
      await sandbox?.stop();
      await database?.drop();
      await s3?.close();
      if (work) rmSync(work, { recursive: true, force: true });
      if (main) rmSync(join(main, '..', '..', '..'), { recursive: true, force: true });
    });

    const start = async (port: number) => {
      const gateway = await GatewayProcess.start(main, port, { ...env, PUBLIC_URL: `http://127.0.0.1:${port}` }, work);
      gateways.push(gateway);
      return gateway;
    };

    it('should drain: not ready at once, refuse new uploads, end streams, hand the upload over, exit 0', async () => {
      const a = await start(setup.port);
      const admin = new HttpGateway(a.baseUrl);
      const tenant = await admin.createTenant(setup.adminKey);
      const apiA = admin.withApiKey(tenant.apiKey);
      await apiA.connect('uploader');

      await control.setLatency(SLOW_TIKTOK_MS);
      const video = await makeLargeVideo(CHUNKS * MB5 + 99, work);
      const accepted = await apiA.postVideo(video, { userId: 'uploader', mode: 'direct', privacyLevel: 'SELF_ONLY' });
      await apiA.waitForUpload(accepted.id, 60_000, (u) => u.progress.uploadedChunks >= 1);
      // B starts once A holds the upload's lease, so A is the one sending it.
      const b = await start(await freePort());
      const apiB = new HttpGateway(b.baseUrl, tenant.apiKey);
      const stream = readEvents(a.baseUrl, tenant.apiKey, accepted.id);

      // Right after a chunk was acknowledged, so the next one is in flight (SLOW_TIKTOK_MS) when the signal lands.
      const before = (await apiA.upload(accepted.id)).progress.uploadedChunks;
      const atSignal = await apiA.waitForUpload(accepted.id, 30_000, (u) => u.progress.uploadedChunks > before);
      expect(atSignal.progress.uploadedChunks).toBeLessThan(CHUNKS - 1);
      a.terminate();

      // Still serving, but no longer ready: the first answer that is not 200 is a 503, not a refused connection.
      let readiness: Response | undefined;
      while (!readiness || readiness.status === 200) {
        readiness = await fetch(`${a.baseUrl}/health/ready`);
      }
      expect(readiness.status).toBe(503);
      expect(((await readiness.json()) as { error: { code: string } }).error.code).toBe('service_unavailable');

      const refused = await postRaw(a.baseUrl, tenant.apiKey, join(FIXTURES, 'h264.mp4'));
      expect(refused.status).toBe(503);
      expect(refused.body.error.code).toBe('service_unavailable');
      expect(Number(refused.retryAfter)).toBeGreaterThan(0);
      // Express answers an unknown path synchronously; draining must not try to set a header on it afterwards.
      const unknown = await fetch(`${a.baseUrl}/no-such-path`);
      expect(unknown.status).toBe(404);
      expect(unknown.headers.get('connection')).toBe('close');

      expect(await stream).toBe('ended cleanly');
      const exit = await a.waitForExit((GRACE_SECONDS + 5) * 1000);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(a.logs()).toContain('Shutting down');

      // The lease was handed back: B continues at once instead of waiting for it to lapse.
      await control.setLatency(0);
      const done = await apiB.waitForUpload(accepted.id, UPLOAD_LEASE_MS / 3);
      expect(done).toMatchObject({ status: 'published', progress: { uploadedChunks: CHUNKS, totalChunks: CHUNKS } });
      expect((await control.stats()).inits.map((group) => group.count)).toEqual([1]);
      const publishes = await control.publishes();
      expect(publishes).toHaveLength(1);
      // Every chunk PUT exactly once: none repeated by the new owner, none cut by the old one.
      expect(publishes[0]).toMatchObject({ status: 'PUBLISH_COMPLETE', putCount: CHUNKS });
      expect(await control.violations()).toEqual([]);
      expect(await listUploadIds(b.baseUrl, tenant.apiKey)).toEqual([accepted.id]);
      expect(await stored()).toEqual([]);
    }, 180_000);
  },
);

/** Reads an upload's event stream until it ends; says whether it ended as a response should or was cut. */
async function readEvents(baseUrl: string, apiKey: string, id: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/tiktok/uploads/${id}/events`, { headers: { 'X-API-Key': apiKey } });
  if (response.status !== 200 || !response.body) return `status ${response.status}`;
  const reader = response.body.getReader();
  try {
    while (!(await reader.read()).done) await sleep(0);
    return 'ended cleanly';
  } catch (error) {
    return `cut: ${String(error)}`;
  }
}

async function postRaw(baseUrl: string, apiKey: string, file: string) {
  const form = new FormData();
  form.append('userId', 'uploader');
  form.append('video', await openAsBlob(file, { type: 'video/mp4' }), 'clip.mp4');
  const response = await fetch(`${baseUrl}/api/tiktok/upload`, {
    method: 'POST',
    headers: { 'X-API-Key': apiKey },
    body: form,
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as { error: { code: string } },
  };
}

async function listUploadIds(baseUrl: string, apiKey: string): Promise<string[]> {
  const response = await fetch(`${baseUrl}/api/tiktok/uploads`, { headers: { 'X-API-Key': apiKey } });
  return ((await response.json()) as { items: UploadView[] }).items.map((item) => item.id);
}
