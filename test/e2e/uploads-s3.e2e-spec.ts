import { MikroORM } from '@mikro-orm/core';
import { ListMultipartUploadsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, RequestListener } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIN_CHUNK_BYTES } from '../../src/tiktok-api/tiktok-limits';
import { Upload } from '../../src/uploads/upload.entity';
import { connectUser } from '../support/connect-flow';
import { makeLargeVideo } from '../support/make-large-video';
import { S3RVER_CREDENTIALS, startS3Server, TestS3Server } from '../support/s3-server';
import { createTenant, startTestApp, TestApp } from '../support/test-app';
import { FIXTURES, postVideo, waitForFinal } from '../support/uploads';

const MB5 = MIN_CHUNK_BYTES;
/** Over one 8 MiB part, so the bucket write is a real multipart upload; under the 3-chunk video below. */
const MAX_BYTES = 12 * 1024 * 1024;

/** UPLOAD_STORAGE=s3 against a real S3-protocol server (s3rver on loopback): the whole journey, bucket inspected. */
describe('Publishing videos kept in an S3 bucket', () => {
  let s3: TestS3Server;
  let bucket: S3Client;
  let t: TestApp;
  let apiKey: string;
  let work: string;

  beforeAll(async () => {
    s3 = await startS3Server();
    Object.assign(process.env, s3.env); // AWS's standard credential chain reads these
    bucket = new S3Client({
      region: s3.region,
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: S3RVER_CREDENTIALS,
    });
    t = await startTestApp({
      env: { ...s3.env, UPLOAD_CHUNK_BYTES: String(MB5), UPLOAD_MAX_BYTES: String(MAX_BYTES) },
    });
    ({ apiKey } = await createTenant(t.app));
    await connectUser(t.app.getHttpServer(), apiKey, 'alice');
    work = mkdtempSync(join(tmpdir(), 'tgw-s3-videos-'));
  });
  afterAll(async () => {
    await t?.close();
    bucket?.destroy();
    await s3?.close();
    rmSync(work, { recursive: true, force: true });
  });

  const server = () => t.app.getHttpServer();
  const objects = async () =>
    ((await bucket.send(new ListObjectsV2Command({ Bucket: s3.bucket }))).Contents ?? []).map((o) => o.Key);
  const incompleteUploads = async () =>
    (await bucket.send(new ListMultipartUploadsCommand({ Bucket: s3.bucket }))).Uploads ?? [];
  const storedRow = (id: string) =>
    t.app.get(MikroORM).em.fork().findOneOrFail(Upload, { id }, { disableIdentityMap: true });

  it('should keep a received video in the bucket, deliver it to the inbox and then delete the object', async () => {
    const accepted = await postVideo(server(), apiKey, join(FIXTURES, 'h264.mp4'), { userId: 'alice' }).expect(202);
    const row = await storedRow(accepted.body.id as string);
    // Any instance may send it: no holder, and the row names the object's key.
    expect(row.mediaHolder).toBeNull();
    expect(row.spoolPath).toMatch(/^[0-9a-f-]{36}\.video$/);
    expect(readdirSync(t.config.uploads.spoolDir)).toEqual([]);

    const done = await waitForFinal(server(), apiKey, accepted.body.id as string);
    expect(done).toMatchObject({ status: 'inbox_delivered', progress: { uploadedBytes: 19877, uploadedChunks: 1 } });
    // The object goes right after the final state is stored.
    expect(await settled(objects)).toEqual([]);
    const named = async () => [(await storedRow(accepted.body.id as string)).spoolPath].filter(Boolean);
    expect(await settled(named)).toEqual([]);
  });

  it('should post a multi-chunk video streamed by byte ranges from the bucket, bytes as TikTok requires', async () => {
    const file = await makeLargeVideo(2 * MB5 + 123_457, work);
    const accepted = await postVideo(server(), apiKey, file, {
      userId: 'alice',
      mode: 'direct',
      privacyLevel: 'SELF_ONLY',
    }).expect(202);
    expect(accepted.body.progress).toMatchObject({ totalChunks: 2, totalBytes: 2 * MB5 + 123_457 });
    const done = await waitForFinal(server(), apiKey, accepted.body.id as string);
    expect(done).toMatchObject({ status: 'published', progress: { uploadedChunks: 2 } });
    const [publish] = (await t.control.publishes()).filter((p) => p.publishId === done.publishId);
    expect(publish.receivedSha256).toBe(createHash('sha256').update(readFileSync(file)).digest('hex'));
    expect(await t.control.violations()).toEqual([]);
    expect(await settled(objects)).toEqual([]);
  });

  it('should leave no object behind for a refused video', async () => {
    const refused = await postVideo(server(), apiKey, join(FIXTURES, 'too-short.mp4'), { userId: 'alice' });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: 'video_rejected', details: { rule: 'duration' } });
    expect(await objects()).toEqual([]);
  });

  it('should refuse a video over UPLOAD_MAX_BYTES with 413 and leave neither object nor multipart upload', async () => {
    const file = await makeLargeVideo(MAX_BYTES + 3 * 1024 * 1024, work);
    const refused = await postVideo(server(), apiKey, file, { userId: 'alice' });
    expect(refused.status).toBe(413);
    expect(refused.body.error).toMatchObject({ code: 'payload_too_large', details: { limitBytes: MAX_BYTES } });
    expect(await objects()).toEqual([]);
    expect(await incompleteUploads()).toEqual([]);
  });

  it('should leave neither object nor multipart upload when the client goes away mid-video', async () => {
    // The app's own Express handler on a socket of our own, which the test can cut.
    const listening = createServer(t.app.getHttpAdapter().getInstance() as RequestListener);
    await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
    try {
      await cutUpload(listening.address() as AddressInfo, apiKey, 10 * 1024 * 1024);
    } finally {
      listening.closeAllConnections();
      await new Promise((resolve) => listening.close(resolve));
    }
    // The gateway learns of the cut from the socket and then aborts the bucket write.
    expect(await settled(incompleteUploads)).toEqual([]);
    expect(await objects()).toEqual([]);
  });

  it('should answer ready with the bucket among its checks', async () => {
    const { default: request } = await import('supertest');
    const ready = await request(server()).get('/health/ready').expect(200);
    expect(ready.body.details).toMatchObject({ media_storage: { status: 'up', storage: 's3' } });
  });
});

/** Sends the fields and `bytes` of a declared-larger video part, waits until the gateway has read them, then cuts. */
async function cutUpload({ port }: AddressInfo, apiKey: string, bytes: number): Promise<void> {
  const boundary = 'cut-boundary';
  const head =
    `--${boundary}\r\nContent-Disposition: form-data; name="userId"\r\n\r\nalice\r\n` +
    `--${boundary}\r\nContent-Disposition: form-data; name="video"; filename="v.mp4"\r\n` +
    `Content-Type: video/mp4\r\n\r\n`;
  const req = httpRequest({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/api/tiktok/upload',
    headers: {
      'x-api-key': apiKey,
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': String(head.length + bytes * 2),
    },
  });
  req.on('error', () => undefined);
  req.write(head);
  const piece = Buffer.alloc(1024 * 1024, 7);
  for (let sent = 0; sent < bytes; sent += piece.length) {
    if (!req.write(piece)) await new Promise((resolve) => req.once('drain', resolve));
  }
  // Long enough for the first 8 MiB part to be in the bucket's multipart upload before the cut.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  req.destroy();
}

/** What `list` returns once it is empty, or after 10 s whatever it then holds. */
async function settled<T>(list: () => Promise<T[]>): Promise<T[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = await list();
    if (found.length === 0 || Date.now() > deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
