import { get, IncomingHttpHeaders } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MikroORM } from '@mikro-orm/core';
import request from 'supertest';
import { connectUser } from '../support/connect-flow';
import { ADMIN_KEY, createTenant, startTestApp, TestApp } from '../support/test-app';
import { usingPostgres } from '../support/test-database';
import { FIXTURES, postVideo, UploadBody, waitForUpload } from '../support/uploads';

interface OpenedStream {
  status: number;
  headers: IncomingHttpHeaders;
  /** Upload objects received so far (event "upload"). */
  events: UploadBody[];
  /** The error body of a refused stream. */
  body: () => Promise<{ error: { code: string; message: string } }>;
  /** Settles when the server ends the response. */
  ended: Promise<void>;
  close: () => void;
}

/** Fails when `promise` has not settled after `ms`: a bound on waiting, not a timing assertion. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe(`Upload event streams on ${usingPostgres ? 'PostgreSQL' : 'SQLite'}`, () => {
  let t: TestApp;
  let base: string;
  let tenant: { id: string; apiKey: string };
  let uploadId: string;
  let others: string[];
  let closed = false;

  beforeAll(async () => {
    // TikTok keeps the upload processing for the whole file, so its streams stay open until closed.
    t = await startTestApp({
      sandboxOptions: { processingDelayMs: 10 * 60_000 },
      env: { EVENT_STREAMS_PER_KEY: '2', EVENT_STREAMS_MAX: '3' },
    });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    tenant = await createTenant(t.app);
    await connectUser(t.app.getHttpServer(), tenant.apiKey, 'streamer');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const accepted = await postVideo(t.app.getHttpServer(), tenant.apiKey, join(FIXTURES, 'h264.mp4'), {
        userId: 'streamer',
      }).expect(202);
      ids.push((accepted.body as UploadBody).id);
    }
    for (const id of ids) {
      await waitForUpload(t.app.getHttpServer(), tenant.apiKey, id, (u) => u.status === 'processing');
    }
    [uploadId, ...others] = ids;
  });
  afterAll(async () => {
    if (!closed) await t.close();
  });

  const newKey = async (): Promise<{ id: string; apiKey: string }> =>
    (
      await request(t.app.getHttpServer())
        .post(`/api/admin/tenants/${tenant.id}/api-keys`)
        .set('X-Admin-Key', ADMIN_KEY)
        .expect(201)
    ).body as { id: string; apiKey: string };

  /** Opens the stream and resolves once the answer's headers are in (after the first event for a stream). */
  function openStream(apiKey: string, id = uploadId): Promise<OpenedStream> {
    return new Promise((resolve, reject) => {
      const req = get(`${base}/api/tiktok/uploads/${id}/events`, { headers: { 'X-API-Key': apiKey } }, (res) => {
        const events: UploadBody[] = [];
        let text = '';
        let pending = '';
        const ended = new Promise<void>((done) => res.on('close', done));
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          pending += chunk.toString();
          const lines = pending.split('\n');
          pending = lines.pop() ?? '';
          for (const line of lines) if (line.startsWith('data: ')) events.push(JSON.parse(line.slice(6)) as UploadBody);
        });
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          events,
          body: () => ended.then(() => JSON.parse(text) as { error: { code: string; message: string } }),
          ended,
          close: () => req.destroy(),
        });
      });
      req.on('error', (error) => (error.message === 'socket hang up' ? undefined : reject(error)));
    });
  }

  /** Opens a stream once the server has let go of the places of streams closed just before. */
  async function openWhenFree(apiKey: string): Promise<OpenedStream> {
    for (let attempt = 0; ; attempt++) {
      const stream = await openStream(apiKey);
      if (![429, 503].includes(stream.status) || attempt === 50) return stream;
      await stream.ended;
      await sleep(100);
    }
  }

  it('should answer 429 with Retry-After past the per-key cap and 503 past the total cap', async () => {
    const keyA = await newKey();
    const keyB = await newKey();
    // An unknown upload is 404 with the error body, and takes no place.
    for (let i = 0; i < 3; i++) {
      const missing = await openStream(keyA.apiKey, '6f1c1d1e-0000-4000-8000-000000000000');
      expect(missing.status).toBe(404);
      expect((await missing.body()).error.code).toBe('not_found');
    }
    const a1 = await openStream(keyA.apiKey);
    const a2 = await openStream(keyA.apiKey);
    expect([a1.status, a2.status]).toEqual([200, 200]);
    expect(a1.events[0]).toMatchObject({ id: uploadId, status: 'processing' });

    const a3 = await openStream(keyA.apiKey);
    expect(a3.status).toBe(429);
    expect(Number(a3.headers['retry-after'])).toBeGreaterThan(0);
    expect((await a3.body()).error).toMatchObject({ code: 'rate_limited', message: expect.stringContaining('2') });

    // Another key has its own allowance, up to the instance's total.
    const b1 = await openStream(keyB.apiKey);
    expect(b1.status).toBe(200);
    const b2 = await openStream(keyB.apiKey);
    expect(b2.status).toBe(503);
    expect(Number(b2.headers['retry-after'])).toBeGreaterThan(0);
    expect((await b2.body()).error.code).toBe('service_unavailable');

    // A closed stream gives its place back.
    a1.close();
    await a1.ended;
    const again = await openWhenFree(keyA.apiKey);
    expect(again.status).toBe(200);
    for (const stream of [a2, b1, again]) stream.close();
    await Promise.all([a2.ended, b1.ended, again.ended]);
  });

  it('should end a stream once its API key is revoked', async () => {
    const key = await newKey();
    const stream = await openWhenFree(key.apiKey);
    expect(stream.status).toBe(200);
    await request(t.app.getHttpServer())
      .delete(`/api/admin/api-keys/${key.id}`)
      .set('X-Admin-Key', ADMIN_KEY)
      .expect(204);
    await within(stream.ended, 10_000, 'the end of the revoked key’s stream');
    expect(stream.events.every((event) => event.status === 'processing')).toBe(true);
    const reopened = await openStream(key.apiKey);
    expect(reopened.status).toBe(401);
    await reopened.ended;
  });

  it('should read the uploads of all open streams in one query per tick, not one query per stream', async () => {
    const [keyA, keyB] = [await newKey(), await newKey()];
    const streams = [
      await openWhenFree(keyA.apiKey),
      await openStream(keyA.apiKey, others[0]),
      await openStream(keyB.apiKey, others[1]),
    ];
    expect(streams.map((stream) => stream.status)).toEqual([200, 200, 200]);
    const closeAll = () => Promise.all(streams.map((stream) => (stream.close(), stream.ended)));
    // The SQL MikroORM runs from now on, as the app logs it (parameters inlined). Through the configuration: every
    // fork re-applies its debug setting to the logger.
    const config = t.app.get(MikroORM).config;
    const from = t.logs().length;
    config.set('debug', ['query']);
    try {
      await sleep(2_000);
    } finally {
      config.set('debug', false);
    }
    const q = '[`"\\\\]*'; // identifier quotes as the log writes them (escaped inside its JSON lines)
    const uploadReads = t
      .logs()
      .slice(from)
      .split('\n')
      .filter((line) => new RegExp(`select .* from ${q}upload${q} `).test(line));
    // A stream's own read of its upload names the caller's tenant (the worker's reads by id do not).
    const byStream = uploadReads.filter((line) => new RegExp(`${q}tenant_id${q} = `).test(line));
    // The shared read names the three watched uploads at once.
    const forAll = uploadReads.filter(
      (line) => new RegExp(`${q}id${q} in \\(([^)]*)\\)`).exec(line)?.[1].split(',').length === 3,
    );
    await closeAll();
    expect(byStream).toEqual([]);
    expect(forAll.length).toBeGreaterThan(0);
  });

  it('should end open streams cleanly when the application shuts down', async () => {
    const stream = await openWhenFree(tenant.apiKey);
    expect(stream.status).toBe(200);
    closed = true;
    await within(Promise.all([t.close(), stream.ended]), 15_000, 'shutdown with a stream open');
  });
});
