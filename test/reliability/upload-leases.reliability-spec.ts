import { MikroORM } from '@mikro-orm/core';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TikTokSandbox } from '../../src/tiktok-sandbox/tiktok-sandbox';
import { Upload } from '../../src/uploads/upload.entity';
import { connectUser } from '../support/connect-flow';
import { makeLargeVideo } from '../support/make-large-video';
import { createTenant, startTestApp, startTestSandbox, TestApp } from '../support/test-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { chunksSent, postVideo, waitForFinal, waitForUpload } from '../support/uploads';
import { MIN_CHUNK_BYTES } from '../../src/tiktok-api/tiktok-limits';

/** TikTok's smallest chunk (5 MiB). */
const MB5 = MIN_CHUNK_BYTES;
const CHUNKS = 8;
/** Every TikTok answer, chunk PUTs included, takes this long: sending all chunks outlasts a heartbeat (10 s). */
const SLOW_TIKTOK_MS = 3_000;

// The delivery job's lease (src/uploads/delivery/upload-delivery.job.ts): an owner that finds the row taken stops before its next chunk, so
// two instances never send the same upload's chunks at once.
describe('Upload leases', () => {
  let sandbox: TikTokSandbox;
  let database: TestDatabase;
  let t: TestApp;
  let apiKey: string;
  let work: string;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    database = await createTestDatabase();
    t = await startTestApp({ sandbox, database, env: { UPLOAD_CHUNK_BYTES: String(MB5) } });
    ({ apiKey } = await createTenant(t.app));
    work = mkdtempSync(join(tmpdir(), 'tgw-rel-leases-'));
  });
  afterAll(async () => {
    await t?.close();
    await sandbox?.stop();
    await database?.drop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('should stop sending chunks while another owner holds the upload, and finish once that lease lapses', async () => {
    const server = t.app.getHttpServer();
    await connectUser(server, apiKey, 'leased');
    const video = await makeLargeVideo(CHUNKS * MB5 + 99, work);
    await t.control.setLatency(SLOW_TIKTOK_MS);
    const accepted = await postVideo(server, apiKey, video, {
      userId: 'leased',
      mode: 'direct',
      privacyLevel: 'SELF_ONLY',
    });
    expect(accepted.status).toBe(202);
    const id = accepted.body.id as string;
    await waitForUpload(server, apiKey, id, (upload) => chunksSent(upload) >= 1, 30_000, 250);

    // Another instance takes the row, as it would after this one stalled past its lease.
    // Held longer than the remaining chunks would take, so an owner that went on would have sent them all.
    const stolenFor = CHUNKS * SLOW_TIKTOK_MS + 6_000;
    const em = t.app.get(MikroORM).em.fork();
    await em.nativeUpdate(
      Upload,
      { id },
      { leaseOwner: 'another-instance', leaseUntil: new Date(Date.now() + stolenFor) },
    );
    // The owner notices at its next heartbeat and stops after the chunk in flight.
    await sleep(stolenFor - 2_000);
    const whileStolen = await waitForUpload(server, apiKey, id, () => true);
    expect(chunksSent(whileStolen)).toBeLessThan(CHUNKS);

    await t.control.setLatency(0);
    const done = await waitForFinal(server, apiKey, id, 30_000);
    expect(done).toMatchObject({ status: 'published', progress: { uploadedChunks: CHUNKS, totalChunks: CHUNKS } });
    expect((await t.control.stats()).inits.map((group) => group.count)).toEqual([1]);
    expect(await t.control.violations()).toEqual([]);
    expect(readdirSync(t.config.uploads.spoolDir)).toEqual([]);
  }, 90_000);
});
