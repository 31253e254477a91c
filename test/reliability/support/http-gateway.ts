import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FINAL_STATUSES } from '../../../src/uploads/upload.entity';

export interface UploadView {
  id: string;
  status: string;
  publishId: string | null;
  error: { code: string } | null;
  progress: { uploadedBytes: number; totalBytes: number; uploadedChunks: number; totalChunks: number };
}

/** A gateway reached over real HTTP (a spawned process), driven like an internal team and a browser would. */
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
    const authorize = new URL(start.headers.get('location') ?? '');
    authorize.searchParams.set('sandbox_account', account);
    authorize.searchParams.set('sandbox_decision', 'approve');
    const consent = await fetch(authorize, { redirect: 'manual' });
    await expectStatus(consent, 302);
    const back = consent.headers.get('location') ?? '';
    await expectStatus(await fetch(back, { headers: { Cookie: cookie } }), 200);
    return new URL(back).searchParams.get('code') ?? '';
  }

  async status(userId: string): Promise<{ connected: boolean; status: string; accessTokenExpiresAt?: string }> {
    const response = await this.api('GET', `/api/tiktok/status?userId=${encodeURIComponent(userId)}`);
    return (await expectStatus(response, 200)) as { connected: boolean; status: string; accessTokenExpiresAt?: string };
  }

  async creatorInfo(userId: string): Promise<Response> {
    return this.api('GET', `/api/tiktok/creator-info?userId=${encodeURIComponent(userId)}`);
  }

  async postVideo(file: string, fields: Record<string, string>): Promise<UploadView> {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    form.append('video', await openAsBlob(file, { type: 'video/mp4' }), basename(file));
    const response = await fetch(`${this.baseUrl}/api/tiktok/upload`, {
      method: 'POST',
      headers: { 'X-API-Key': this.apiKey },
      body: form,
    });
    return (await expectStatus(response, 202)) as UploadView;
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
