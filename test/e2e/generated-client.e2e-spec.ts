import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import createClient, { Client } from 'openapi-fetch';
import type { components, paths } from '../client/gateway-api';
import { findFreePort } from '../support/browser';
import { ADMIN_KEY, startTestApp, startTestSandbox, TestApp } from '../support/test-app';
import { FIXTURES } from '../support/uploads';
import { TikTokSandbox } from '../../src/tiktok-sandbox/tiktok-sandbox';

type Upload = components['schemas']['UploadResponse'];
type UploadBodies = paths['/api/tiktok/upload']['post']['requestBody']['content'];

/** The form in the order the service reads it: every field first, the file last. */
function uploadForm(body: UploadBodies[keyof UploadBodies]): FormData {
  if (!('video' in body)) throw new Error('A videoUrl upload is sent as JSON, not as a form');
  const form = new FormData();
  for (const [name, value] of Object.entries(body)) {
    if (name !== 'video' && value !== undefined) form.append(name, String(value));
  }
  form.append('video', body.video, 'video.mp4');
  return form;
}

/** The `data` of each `event: upload` in a server-sent event stream, until the stream ends. */
async function readUploadEvents(stream: ReadableStream<Uint8Array>): Promise<Upload[]> {
  const text = await new Response(stream).text();
  return text
    .split('\n\n')
    .filter((block) => block.includes('event: upload'))
    .map((block) => {
      const data = block
        .split('\n')
        .filter((line) => line.startsWith('data: '))
        .map((line) => line.slice('data: '.length))
        .join('\n');
      const upload: Upload = JSON.parse(data);
      return upload;
    });
}

/**
 * The whole journey through the client generated from /docs-json (openapi-typescript + openapi-fetch): no request
 * or response type here is written by hand, so a document that drifts from the service fails the type check or this.
 */
describe('The generated OpenAPI client', () => {
  let sandbox: TikTokSandbox;
  let t: TestApp;
  let gateway: Client<paths>;
  let apiKey: string;
  const userId = 'crm:customer-1042';

  beforeAll(async () => {
    const port = await findFreePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    sandbox = await startTestSandbox({ redirectUris: [`${publicUrl}/api/auth/tiktok/callback`] });
    t = await startTestApp({ sandbox, env: { PUBLIC_URL: publicUrl, PORT: String(port) } });
    await t.app.listen(port, '127.0.0.1');
    gateway = createClient<paths>({ baseUrl: publicUrl });
  });

  afterAll(async () => {
    await t?.close();
    await sandbox?.stop();
  });

  it('should connect, publish, follow, list, cancel and disconnect with nothing but the generated client', async () => {
    const tenant = await gateway.POST('/api/admin/tenants', {
      headers: { 'X-Admin-Key': ADMIN_KEY },
      body: { name: 'generated-client' },
    });
    expect(tenant.response.status).toBe(201);
    apiKey = tenant.data?.apiKey ?? '';
    gateway.use({
      onRequest: ({ request }) => {
        request.headers.set('X-API-Key', apiKey);
        return request;
      },
    });

    const link = await gateway.POST('/api/auth/tiktok/connect-links', { body: { userId } });
    expect(link.response.status).toBe(201);
    const ticket = new URL(link.data?.url ?? '').searchParams.get('ticket') ?? '';

    const start = await gateway.GET('/api/auth/tiktok', { params: { query: { ticket } }, redirect: 'manual' });
    expect(start.response.status).toBe(302);
    const cookie = start.response.headers.getSetCookie()[0].split(';')[0];
    // The consent page is TikTok's (here the sandbox's), not the gateway's API: a plain browser-like request.
    const authorize = new URL(start.response.headers.get('location') ?? '');
    authorize.searchParams.set('sandbox_account', 'creator');
    authorize.searchParams.set('sandbox_decision', 'approve');
    const consent = await fetch(authorize, { redirect: 'manual' });
    const back = new URL(consent.headers.get('location') ?? '');

    const callback = await gateway.GET('/api/auth/tiktok/callback', {
      params: {
        query: {
          code: back.searchParams.get('code') ?? undefined,
          scopes: back.searchParams.get('scopes') ?? undefined,
          state: back.searchParams.get('state') ?? undefined,
        },
      },
      headers: { Cookie: cookie },
    });
    expect(callback.data).toEqual({ connected: true, userId, openId: expect.any(String) });

    const status = await gateway.GET('/api/tiktok/status', { params: { query: { userId } } });
    expect(status.data).toMatchObject({ connected: true, status: 'active', displayName: 'Casey Creator' });

    const creator = await gateway.GET('/api/tiktok/creator-info', { params: { query: { userId } } });
    expect(creator.data?.privacyLevelOptions).toContain('SELF_ONLY');

    const video = new Blob([readFileSync(join(FIXTURES, 'h264.mp4'))], { type: 'video/mp4' });
    const accepted = await gateway.POST('/api/tiktok/upload', {
      params: { header: { 'Idempotency-Key': 'generated-client-1' } },
      body: { userId, mode: 'inbox', video },
      bodySerializer: uploadForm,
    });
    expect(accepted.response.status).toBe(202);
    const uploadId = accepted.data?.id ?? '';
    expect(accepted.data).toMatchObject({ userId, source: 'file', video: { container: 'mp4', codec: 'h264' } });

    const events = await gateway.GET('/api/tiktok/uploads/{id}/events', {
      params: { path: { id: uploadId } },
      parseAs: 'stream',
    });
    expect(events.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const seen = await readUploadEvents(events.data ?? new ReadableStream());
    expect(seen.at(-1)).toMatchObject({ id: uploadId, status: 'inbox_delivered' });

    const one = await gateway.GET('/api/tiktok/uploads/{id}', { params: { path: { id: uploadId } } });
    expect(one.data?.status).toBe('inbox_delivered');
    const list = await gateway.GET('/api/tiktok/uploads', { params: { query: { userId, limit: 10 } } });
    expect(list.data?.items.map((upload) => upload.id)).toEqual([uploadId]);

    // Slow TikTok down so the second upload is still sending its bytes when it is cancelled.
    await t.control.setLatency(400);
    const second = await gateway.POST('/api/tiktok/upload', { body: { userId, video }, bodySerializer: uploadForm });
    const secondId = second.data?.id ?? '';
    for (let status = second.data?.status; status === 'queued';) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      status = (await gateway.GET('/api/tiktok/uploads/{id}', { params: { path: { id: secondId } } })).data?.status;
    }
    const cancelled = await gateway.DELETE('/api/tiktok/uploads/{id}', { params: { path: { id: secondId } } });
    expect(cancelled.data?.status).toBe('cancelled');
    await t.control.setLatency(0);

    const missing = await gateway.GET('/api/tiktok/uploads/{id}', { params: { path: { id: 'not-a-uuid' } } });
    expect(missing.error?.error.code).toBe('validation_failed');

    const disconnected = await gateway.POST('/api/tiktok/disconnect', { body: { userId } });
    expect(disconnected.data?.disconnected).toBe(true);
    const after = await gateway.GET('/api/tiktok/status', { params: { query: { userId } } });
    expect(after.data).toMatchObject({ connected: false, status: 'not_connected' });
  });
});
