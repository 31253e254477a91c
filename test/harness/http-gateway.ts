import { createReadStream, statSync } from 'node:fs';
import { request } from 'node:http';
import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FINAL_STATUSES } from '../../src/uploads/upload.entity';
import type { components } from '../client/gateway-api';
import { consentAtSandbox } from './sandbox-consent';

/** An upload as the API answers it (the type generated from the OpenAPI document). */
export type UploadView = components['schemas']['UploadResponse'];

/**
 * A gateway reached over real HTTP (a spawned process), driven like an internal team and a browser would; the
 * reliability suites and the benchmarks share it.
 */
export class HttpGateway {
  constructor(
    readonly baseUrl: string,
    private readonly apiKey = '',
  ) {}

  withApiKey(apiKey: string): HttpGateway {
    return new HttpGateway(this.baseUrl, apiKey);
  }

  async createTenant(
    adminKey: string,
    fields: { webhookUrl?: string } = {},
  ): Promise<{ id: string; apiKey: string; webhookSecret: string }> {
    const response = await fetch(`${this.baseUrl}/api/admin/tenants`, {
      method: 'POST',
      headers: { 'X-Admin-Key': adminKey, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'reliability', ...fields }),
    });
    return (await expectStatus(response, 201)) as { id: string; apiKey: string; webhookSecret: string };
  }

  /** Link → gateway (cookie) → sandbox consent (approve as `account`) → gateway callback; returns the OAuth code. */
  async connect(userId: string, account = 'creator'): Promise<string> {
    const link = (await expectStatus(await this.api('POST', '/api/auth/tiktok/connect-links', { userId }), 201)) as {
      url: string;
    };
    const start = await fetch(link.url, { redirect: 'manual' });
    await expectStatus(start, 302);
    const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0];
    const back = await consentAtSandbox(start.headers.get('location') ?? '', account);
    await expectStatus(await fetch(back, { headers: { Cookie: cookie } }), 200);
    return back.searchParams.get('code') ?? '';
  }

  async status(userId: string): Promise<{ connected: boolean; status: string; accessTokenExpiresAt?: string }> {
    const response = await this.api('GET', `/api/tiktok/status?userId=${encodeURIComponent(userId)}`);
    return (await expectStatus(response, 200)) as { connected: boolean; status: string; accessTokenExpiresAt?: string };
  }

  async creatorInfo(userId: string): Promise<Response> {
    return this.api('GET', `/api/tiktok/creator-info?userId=${encodeURIComponent(userId)}`);
  }

  /**
   * Streams a multipart upload from disk, the fields first and the file last, with its Content-Length; resolves with
   * the 202 body.
   */
  postVideo(file: string, fields: Record<string, string>): Promise<UploadView> {
    const boundary = `harness${Date.now()}`;
    const head = Buffer.from(
      Object.entries(fields)
        .map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
        .join('') +
        `--${boundary}\r\nContent-Disposition: form-data; name="video"; filename="${basename(file)}"\r\n` +
        'Content-Type: video/mp4\r\n\r\n',
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    return new Promise((resolve, reject) => {
      const req = request(`${this.baseUrl}/api/tiktok/upload`, {
        method: 'POST',
        headers: {
          'X-API-Key': this.apiKey,
          'Content-Type': `multipart/form-data; boundary=${boundary}`,
          'Content-Length': head.length + statSync(file).size + tail.length,
        },
      });
      req.once('error', reject);
      req.once('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.once('end', () => {
          const text = Buffer.concat(chunks).toString();
          if (res.statusCode !== 202) reject(new Error(`upload answered ${res.statusCode}: ${text.slice(0, 500)}`));
          else resolve(JSON.parse(text) as UploadView);
        });
      });
      req.write(head);
      const body = createReadStream(file, { highWaterMark: 1 << 20 });
      body.once('error', reject);
      body.on('end', () => req.end(tail));
      body.pipe(req, { end: false });
    });
  }

  async upload(id: string): Promise<UploadView> {
    return (await expectStatus(await this.api('GET', `/api/tiktok/uploads/${id}`), 200)) as UploadView;
  }

  async cancel(id: string): Promise<UploadView> {
    return (await expectStatus(await this.api('DELETE', `/api/tiktok/uploads/${id}`), 200)) as UploadView;
  }

  /** Polls until `accept` holds (default: a final status); throws with the last view when time runs out. */
  async waitForUpload(
    id: string,
    timeoutMs: number,
    accept = (u: UploadView) => (FINAL_STATUSES as readonly string[]).includes(u.status),
  ) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const view = await this.upload(id);
      if (accept(view)) return view;
      if (Date.now() > deadline) throw new Error(`Upload ${id} not there in time: ${JSON.stringify(view)}`);
      await sleep(100);
    }
  }

  private api(method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { 'X-API-Key': this.apiKey, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
  }
}

async function expectStatus(response: Response, status: number): Promise<unknown> {
  const text = await response.text();
  if (response.status !== status) throw new Error(`${response.url} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}
