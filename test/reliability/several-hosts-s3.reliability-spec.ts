import { ListMultipartUploadsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MIN_CHUNK_BYTES } from '../../src/tiktok-api/tiktok-limits';
import { UPLOAD_LEASE_MS } from '../../src/uploads/delivery/upload-delivery.job';
import { makeLargeVideo } from '../support/make-large-video';
import { S3RVER_CREDENTIALS, startS3Server, TestS3Server } from '../support/s3-server';
import { FIXTURES } from '../support/uploads';
import { canHideFolders, HostName, TwoHosts, waitForAll } from './support/two-hosts';

const MB5 = MIN_CHUNK_BYTES;
const VIDEO = join(FIXTURES, 'h264.mp4');
const INIT_PATH = '/v2/post/publish/video/init/';
const POST = { mode: 'direct', privacyLevel: 'SELF_ONLY' };

const runnable = Boolean(process.env.TEST_DATABASE_URL);
if (!runnable) console.info('Several hosts (S3) skipped: set TEST_DATABASE_URL (hosts share PostgreSQL).');

// Two gateway processes on one PostgreSQL database with UPLOAD_STORAGE=s3 (s3rver on loopback, a real S3-protocol
// server): every received video is in the bucket, so either instance sends any upload, also after the other's crash.
(runnable ? describe : describe.skip)('Several hosts with S3 storage (PostgreSQL, one bucket)', () => {
  let two: TwoHosts;
  let s3: TestS3Server;
  let bucket: S3Client;
  let tenant: { id: string; apiKey: string };
  const api = (name: HostName) => two.api(name, tenant.apiKey);
  const objects = async () =>
    ((await bucket.send(new ListObjectsV2Command({ Bucket: s3.bucket }))).Contents ?? []).map((o) => o.Key);
  const incompleteUploads = async () =>
    (await bucket.send(new ListMultipartUploadsCommand({ Bucket: s3.bucket }))).Uploads ?? [];

  beforeAll(async () => {
    s3 = await startS3Server();
    bucket = new S3Client({
      region: s3.region,
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: S3RVER_CREDENTIALS,
    });
    // Each host's spool is also hidden from the other where that can be done: the bucket is all they share.
    two = await TwoHosts.start({ hide: canHideFolders(), env: () => ({ ...s3.env, UPLOAD_CHUNK_BYTES: String(MB5) }) });
    tenant = await two.api('a').createTenant(two.setup.adminKey);
    two.ledger.add('API key', tenant.apiKey);
  }, 120_000);

  afterAll(async () => {
    await two?.stop();
    bucket?.destroy();
    await s3?.close();
  });

  it('should deliver sixteen uploads posted through both hosts, whichever host sends them', async () => {
    await api('a').connect('u0', 'creator');
    await api('b').connect('u1', 'short_limit_creator');
    const initsBefore = (await two.control.requests()).filter((r) => r.path === INIT_PATH).length;
    // Some chunk PUTs answer 500 and some uploads wait for TikTok's init budget: those are retried later, by either.
    await two.control.failNextChunkPuts(4);

    const posted: string[] = [];
    for (let i = 0; i < 16; i++) {
      const via = i % 2 ? 'b' : 'a';
      posted.push((await api(via).postVideo(VIDEO, { ...POST, userId: `u${Math.floor(i / 2) % 2}` })).id);
    }
    const final = await waitForAll(api('a'), posted, 180_000);

    expect(final.map((u) => `${u.status}${u.error ? `:${u.error.code}` : ''}`)).toEqual(posted.map(() => 'published'));
    expect((await two.control.requests()).filter((r) => r.path === INIT_PATH).length - initsBefore).toBe(16);
    expect(new Set(final.map((u) => u.publishId)).size).toBe(16);
    expect(await two.control.violations()).toEqual([]);
    // Nothing was kept on either host's disk, and the bucket is empty once all are final.
    expect([readdirSync(two.hosts.a.spool), readdirSync(two.hosts.b.spool)]).toEqual([[], []]);
    expect(await settled(objects)).toEqual([]);
  }, 240_000);

  it('should finish on the other host an upload whose receiving host was killed mid-transfer, one init', async () => {
    await api('a').connect('crash', 'creator');
    // Only A runs while the upload is received and its first chunk sent, so A is the one sending it.
    await two.hosts.b.gateway!.stop();
    const inits = (await two.control.stats()).inits.length;
    // Eight chunks at 3 s an answer: B's start-up fits well inside the transfer.
    await two.control.setLatency(3000);
    const size = 8 * MB5 + 99;
    const video = await makeLargeVideo(size, two.work);
    const accepted = await api('a').postVideo(video, { ...POST, userId: 'crash' });
    await api('a').waitForUpload(accepted.id, 60_000, (u) => u.progress.uploadedChunks >= 1);
    await two.startHost('b');
    const cut = await api('b').upload(accepted.id);
    expect(cut.status).toBe('uploading');
    expect(cut.progress.uploadedChunks).toBeLessThan(8);

    await two.hosts.a.gateway!.kill9();
    await two.control.setLatency(0);

    const done = await api('b').waitForUpload(accepted.id, UPLOAD_LEASE_MS + 30_000);
    expect(done).toMatchObject({ status: 'published', progress: { uploadedBytes: size, uploadedChunks: 8 } });
    const stats = await two.control.stats();
    expect(stats.inits).toHaveLength(inits + 1);
    expect(stats.inits.filter((group) => group.publishIds.includes(done.publishId!))[0].count).toBe(1);
    const [publish] = (await two.control.publishes()).filter((p) => p.publishId === done.publishId);
    // Bytes identical at TikTok: the new owner's ranged reads from the bucket continued the file exactly.
    const sha256 = createHash('sha256').update(readFileSync(video)).digest('hex');
    expect(publish).toMatchObject({ status: 'PUBLISH_COMPLETE', uploadedBytes: size, receivedSha256: sha256 });
    // The only breaches TikTok may see are the crash's own (a PUT cut mid-body, the 416 the next owner reconciles).
    const crashMarks = /content_length_mismatch|range|416/i;
    expect((await two.control.violations()).filter((v) => !crashMarks.test(`${v.rule} ${v.message}`))).toEqual([]);
    expect(await settled(objects)).toEqual([]);
    expect(await incompleteUploads()).toEqual([]);
    await two.startHost('a');
  }, 180_000);

  it('should leave no key or secret in the processes’ output, nor the local-storage line', async () => {
    await two.hosts.a.gateway?.stop();
    const output = two.logs();
    expect(output).not.toContain('Several hosts with local storage');
    expect(two.ledger.findIn(output)).toEqual([]);
  });
});

/** What `list` returns once it is empty, or after 15 s whatever it then holds. */
async function settled<T>(list: () => Promise<T[]>): Promise<T[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const found = await list();
    if (found.length === 0 || Date.now() > deadline) return found;
    await sleep(200);
  }
}
