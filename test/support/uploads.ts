import { join } from 'node:path';
import request from 'supertest';
import { App } from 'supertest/types';
import { FINAL_STATUSES } from '../../src/uploads/upload.entity';

export const FIXTURES = join(__dirname, '..', 'fixtures');

/** What the probe measures of fixtures/h264.mp4, for tests that store an upload row of it directly. */
export const H264_FIXTURE_VIDEO = {
  sizeBytes: 19877,
  container: 'mp4',
  codec: 'h264',
  width: 640,
  height: 360,
  frameRate: 30,
  durationMs: 3500,
} as const;

export type UploadBody = Record<string, unknown> & { id: string; status: string };

/** POSTs a multipart upload (fields first, then the file). */
export function postVideo(
  server: App,
  apiKey: string,
  filePath: string,
  fields: Record<string, string | boolean | number> = {},
) {
  const req = request(server).post('/api/tiktok/upload').set('X-API-Key', apiKey);
  for (const [name, value] of Object.entries(fields)) req.field(name, String(value));
  return req.attach('video', filePath);
}

/** Polls the upload until `done` holds and returns it; throws, with the last state seen, when the time runs out. */
export async function waitForUpload(
  server: App,
  apiKey: string,
  id: string,
  done: (upload: UploadBody) => boolean,
  timeoutMs = 20_000,
  intervalMs = 20,
): Promise<UploadBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await request(server).get(`/api/tiktok/uploads/${id}`).set('X-API-Key', apiKey).expect(200);
    const body = response.body as UploadBody;
    if (done(body)) return body;
    if (Date.now() > deadline)
      throw new Error(`upload ${id} not as awaited after ${timeoutMs} ms: ${JSON.stringify(body)}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Polls the upload until it reaches a final status and returns it (10 polls a second). */
export function waitForFinal(server: App, apiKey: string, id: string, timeoutMs = 20_000): Promise<UploadBody> {
  return waitForUpload(server, apiKey, id, (upload) => isFinalStatus(upload.status), timeoutMs, 100);
}

export const chunksSent = (upload: UploadBody) => (upload.progress as { uploadedChunks: number }).uploadedChunks;

const isFinalStatus = (status: string) => (FINAL_STATUSES as readonly string[]).includes(status);
