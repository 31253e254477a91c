import { createReadStream, statSync } from 'node:fs';
import { request } from 'node:http';
import { basename } from 'node:path';
import { BENCH_ADMIN_KEY } from './gateway-process';

export interface UploadView {
  id: string;
  status: string;
  publishId?: string | null;
  progress?: { uploadedBytes: number; totalBytes: number };
}

async function json<T>(response: Response, expected: number, what: string): Promise<T> {
  const text = await response.text();
  if (response.status !== expected) throw new Error(`${what}: ${response.status} ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

/** A tenant through the admin API; returns its API key. */
export async function createTenant(gatewayUrl: string): Promise<string> {
  const response = await fetch(`${gatewayUrl}/api/admin/tenants`, {
    method: 'POST',
    headers: { 'X-Admin-Key': BENCH_ADMIN_KEY, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'bench' }),
  });
  return (await json<{ apiKey: string }>(response, 201, 'create tenant')).apiKey;
}

/** The connect flow over HTTP, as a browser would: link → sandbox consent (non-interactive) → callback. */
export async function connectUser(gatewayUrl: string, apiKey: string, userId: string): Promise<void> {
  const link = await fetch(`${gatewayUrl}/api/auth/tiktok/connect-links`, {
    method: 'POST',
    headers: { 'X-API-Key': apiKey, 'Content-Type': 'application/json' },
    body: JSON.stringify({ userId }),
  });
  const { url } = await json<{ url: string }>(link, 201, 'connect link');
  const start = await fetch(url, { redirect: 'manual' });
  const cookie = start.headers.getSetCookie()[0]?.split(';')[0] ?? '';
  const authorize = new URL(start.headers.get('location') ?? '');
  authorize.searchParams.set('sandbox_account', 'creator');
  authorize.searchParams.set('sandbox_decision', 'approve');
  const consent = await fetch(authorize, { redirect: 'manual' });
  const callback = await fetch(consent.headers.get('location') ?? '', {
    headers: { Cookie: cookie },
    redirect: 'manual',
  });
  if (callback.status !== 200) throw new Error(`connect callback: ${callback.status} ${await callback.text()}`);
}

/** Streams a multipart upload (fields first, the file last) from disk; resolves with the 202 body. */
export function postVideoFile(gatewayUrl: string, apiKey: string, userId: string, path: string): Promise<UploadView> {
  const boundary = `bench${Date.now()}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="userId"\r\n\r\n${userId}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="video"; filename="${basename(path)}"\r\n` +
      'Content-Type: video/mp4\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const length = head.length + statSync(path).size + tail.length;
  return new Promise((resolve, reject) => {
    const req = request(`${gatewayUrl}/api/tiktok/upload`, {
      method: 'POST',
      headers: {
        'X-API-Key': apiKey,
        'Content-Type': `multipart/form-data; boundary=${boundary}`,
        'Content-Length': length,
      },
    });
    req.once('error', reject);
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('end', () => {
        const text = Buffer.concat(chunks).toString();
        if (res.statusCode !== 202) reject(new Error(`upload: ${res.statusCode} ${text.slice(0, 500)}`));
        else resolve(JSON.parse(text) as UploadView);
      });
    });
    req.write(head);
    const file = createReadStream(path, { highWaterMark: 1 << 20 });
    file.once('error', reject);
    file.on('end', () => req.end(tail));
    file.pipe(req, { end: false });
  });
}

export async function getUpload(gatewayUrl: string, apiKey: string, id: string): Promise<UploadView> {
  const response = await fetch(`${gatewayUrl}/api/tiktok/uploads/${id}`, { headers: { 'X-API-Key': apiKey } });
  return json<UploadView>(response, 200, 'get upload');
}
