import { join } from 'node:path';
import request from 'supertest';
import { App } from 'supertest/types';

export const FIXTURES = join(__dirname, '..', 'fixtures');
export const FINAL = ['inbox_delivered', 'published', 'failed', 'cancelled'];

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

/** Polls the upload until it reaches a final status (or the time runs out) and returns it. */
export async function waitForFinal(server: App, apiKey: string, id: string, timeoutMs = 20_000): Promise<UploadBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await request(server).get(`/api/tiktok/uploads/${id}`).set('X-API-Key', apiKey).expect(200);
    const body = response.body as UploadBody;
    if (FINAL.includes(body.status) || Date.now() > deadline) return body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
