import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalMediaStorage } from '../../src/storage/local-media-storage';
import { TikTokApiClient } from '../../src/tiktok-api/tiktok-api.client';
import { TikTokUnavailableError, TikTokUploadRejectedError } from '../../src/tiktok-api/tiktok-api.error';
import type { TikTokChunkPut } from '../../src/tiktok-api/tiktok-api.models';
import { ScriptedServer } from './support/scripted-server';

const TOTAL = 100_000;
const video = Buffer.from(Array.from({ length: TOTAL }, (_, i) => (i * 7 + 3) % 251));

describe(`${TikTokApiClient.name} chunk PUT`, () => {
  let dir: string;
  let storage: LocalMediaStorage;
  let upload: ScriptedServer;
  let client: TikTokApiClient;
  let chunk: (start: number, end: number) => TikTokChunkPut;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tiktok-api-upload-'));
    storage = new LocalMediaStorage(dir);
    await writeFile(join(dir, 'video.mp4'), video);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    upload = await ScriptedServer.start();
    client = new TikTokApiClient({
      clientKey: 'ck',
      clientSecret: 'cs',
      apiBaseUrl: 'http://127.0.0.1:9',
      retryBaseDelayMs: 5,
    });
    chunk = (start, end) => ({
      uploadUrl: `${upload.baseUrl}/video/?upload_id=1&upload_token=tok`,
      body: () => storage.readRange('video.mp4', start, end),
      storedBytes: TOTAL,
      start,
      end,
      totalBytes: TOTAL,
      contentType: 'video/mp4',
    });
  });

  afterEach(async () => {
    await client.onApplicationShutdown();
    await upload.close();
  });

  it('should stream exactly the byte range with TikTok headers and read the 206 progress', async () => {
    upload.answer({ status: 206, headers: { 'content-range': 'bytes 0-39999/100000' } });

    await expect(client.putChunk(chunk(0, 39_999))).resolves.toEqual({
      status: 206,
      uploadedRange: { start: 0, end: 39_999, total: TOTAL },
    });
    const [seen] = upload.requests;
    expect(seen.method).toBe('PUT');
    expect(seen.url).toBe('/video/?upload_id=1&upload_token=tok');
    expect(seen.headers).toMatchObject({
      'content-type': 'video/mp4',
      'content-length': '40000',
      'content-range': 'bytes 0-39999/100000',
    });
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.body.equals(video.subarray(0, 40_000))).toBe(true);
  });

  it('should report 201 on the final chunk', async () => {
    upload.answer({ status: 201 });

    await expect(client.putChunk(chunk(40_000, TOTAL - 1))).resolves.toEqual({ status: 201, uploadedRange: undefined });
    expect(upload.requests[0].body.equals(video.subarray(40_000))).toBe(true);
  });

  it('should retry a 5xx and a dropped connection by re-reading the same range', async () => {
    upload.answer({ status: 502 }, 'destroy', { status: 206, headers: { 'content-range': 'bytes 0-79999/100000' } });

    await expect(client.putChunk(chunk(40_000, 79_999))).resolves.toMatchObject({ status: 206 });
    const expected = video.subarray(40_000, 80_000);
    expect(upload.requests.filter((seen) => seen.body.equals(expected))).toHaveLength(3);
  });

  it('should give up with TikTokUnavailableError after maxRetries 5xx answers', async () => {
    upload.answer(...Array.from({ length: 4 }, () => ({ status: 500 })));

    await expect(client.putChunk(chunk(0, 39_999))).rejects.toBeInstanceOf(TikTokUnavailableError);
    expect(upload.requests).toHaveLength(4);
  });

  it("should carry TikTok's progress on a 416 so the transfer can reconcile", async () => {
    upload.answer({ status: 416, headers: { 'content-range': 'bytes 0-39999/100000' } });

    const put = client.putChunk(chunk(0, 39_999));

    await expect(put).rejects.toBeInstanceOf(TikTokUploadRejectedError);
    await expect(put).rejects.toMatchObject({
      reason: 'range_mismatch',
      httpStatus: 416,
      uploadedRange: { start: 0, end: 39_999, total: TOTAL },
    });
    expect(upload.requests).toHaveLength(1);
  });

  it.each([
    [400, 'bad_request'],
    [403, 'upload_url_expired'],
    [404, 'upload_task_not_found'],
    [409, 'unexpected_status'],
  ])('should type a %i answer as %s without retrying', async (status, reason) => {
    upload.answer({ status });

    await expect(client.putChunk(chunk(0, 39_999))).rejects.toMatchObject({
      reason,
      httpStatus: status,
      tiktokCode: reason,
    });
    expect(upload.requests).toHaveLength(1);
  });

  it('should refuse a range outside the file before sending anything', async () => {
    await expect(client.putChunk({ ...chunk(0, TOTAL), totalBytes: TOTAL + 1 })).rejects.toBeInstanceOf(RangeError);
    await expect(client.putChunk(chunk(50, 10))).rejects.toBeInstanceOf(RangeError);
    expect(upload.requests).toHaveLength(0);
  });
});
