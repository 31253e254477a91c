import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { probeVideo } from '../../src/uploads/video/video-probe';
import { checkVideo, DEFAULT_VIDEO_LIMITS } from '../../src/uploads/video/video-rules';
import { connectUser } from '../support/connect-flow';
import { ADMIN_KEY, createTenant, startTestApp, TestApp } from '../support/test-app';
import { FIXTURES } from '../support/uploads';

const fieldValue = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '0', '-1', 'true', 'null', '../../etc/passwd', 'a'.repeat(5000), '\u0000', 'SELF_ONLY'),
  fc.integer().map(String),
);
/** What an HTTP client can put in a header at all (others are refused before they leave). */
const headerSafe = (s: string) => s.replace(/[^\x21-\x7e]/g, '');
const jsonValue = fc.oneof(fieldValue, fc.jsonValue({ maxDepth: 2 }));

describe(`${probeVideo.name} + ${checkVideo.name} on hostile bytes`, () => {
  let dir: string;
  const fixtures = ['h264.mp4', 'h264-moov-at-end.mp4', 'h264.mov', 'vp9.webm'].map((f) =>
    readFileSync(join(FIXTURES, f)),
  );

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tgw-rel-probe-'));
    jest.spyOn(console, 'error').mockImplementation(() => undefined); // mp4box reports corrupt boxes there
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });

  it('should judge every mutated real video with rule violations or a pass, never an exception', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: fixtures.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 30 }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        async (which, edits, keep) => {
          const bytes = Buffer.from(fixtures[which]);
          for (const [where, value] of edits) bytes[where % Math.min(bytes.length, 4096)] = value;
          const path = join(dir, `m-${run++}.bin`);
          await writeFile(path, bytes.subarray(0, Math.max(1, Math.floor(keep * bytes.length))));
          const probe = await probeVideo(path);
          const violations = checkVideo(probe, DEFAULT_VIDEO_LIMITS);
          if (probe.container === 'unknown') expect(violations.length).toBeGreaterThan(0);
          await rm(path);
        },
      ),
      { numRuns: 120 },
    );
  });
});

describe('Every endpoint on random input', () => {
  let t: TestApp;
  let apiKey: string;

  beforeAll(async () => {
    // Random X-API-Key values are wrong keys: the brute-force limit would soon refuse the right one too.
    t = await startTestApp({
      env: {
        RATE_LIMIT_API_PER_MINUTE: '100000',
        RATE_LIMIT_PUBLIC_PER_MINUTE: '100000',
        AUTH_FAILURES_PER_WINDOW: '100000',
      },
    });
    ({ apiKey } = await createTenant(t.app));
    await connectUser(t.app.getHttpServer(), apiKey, 'fuzzed');
  });
  afterAll(() => t.close());

  const server = () => t.app.getHttpServer();
  /** No crash, no 500, and every error in the error body. */
  const expectHandled = (response: request.Response) => {
    expect(response.status).toBeLessThan(500);
    if (response.status >= 400 && response.type === 'application/json') {
      expect(response.body.error).toMatchObject({ code: expect.any(String), requestId: expect.any(String) });
    }
  };

  it('should refuse random JSON bodies and query values cleanly on every endpoint', async () => {
    const calls: ((value: unknown, text: string) => request.Test)[] = [
      (v) =>
        request(server()).post('/api/admin/tenants').set('X-Admin-Key', ADMIN_KEY).send({ name: v, returnUrls: v }),
      (v) =>
        request(server())
          .post('/api/auth/tiktok/connect-links')
          .set('X-API-Key', apiKey)
          .send({ userId: v, returnUrl: v }),
      (_, s) => request(server()).get('/api/auth/tiktok').query({ ticket: s }),
      (_, s) => request(server()).get('/api/auth/tiktok/callback').query({ code: s, state: s, scopes: s, error: s }),
      (_, s) => request(server()).get('/api/tiktok/status').set('X-API-Key', apiKey).query({ userId: s }),
      (v) => request(server()).post('/api/tiktok/disconnect').set('X-API-Key', apiKey).send({ userId: v }),
      (_, s) => request(server()).get('/api/tiktok/creator-info').set('X-API-Key', apiKey).query({ userId: s }),
      (v) =>
        request(server())
          .post('/api/tiktok/upload')
          .set('X-API-Key', apiKey)
          .send({ userId: 'fuzzed', videoUrl: v, mode: v, privacyLevel: v, title: v }),
      (_, s) =>
        request(server())
          .get('/api/tiktok/uploads')
          .set('X-API-Key', apiKey)
          .query({ userId: s, status: s, limit: s, cursor: s }),
      (_, s) =>
        request(server())
          .get(`/api/tiktok/uploads/${encodeURIComponent(s)}`)
          .set('X-API-Key', apiKey),
      (_, s) =>
        request(server())
          .delete(`/api/tiktok/uploads/${encodeURIComponent(s)}`)
          .set('X-API-Key', apiKey),
      (_, s) =>
        request(server())
          .post(`/api/admin/tenants/${encodeURIComponent(s)}/api-keys`)
          .set('X-Admin-Key', ADMIN_KEY),
      (_, s) =>
        request(server())
          .get(`/api/admin/tenants/${encodeURIComponent(s)}/webhook-deliveries`)
          .set('X-Admin-Key', ADMIN_KEY)
          .query({ limit: s }),
      (v, s) =>
        request(server())
          .post('/api/tiktok/webhooks')
          .set('TikTok-Signature', headerSafe(s))
          .send({ event: v, content: v }),
      (_, s) =>
        request(server())
          .get('/api/me')
          .set('X-API-Key', headerSafe(s) || 'x'),
    ];
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: calls.length - 1 }), jsonValue, fieldValue, async (which, value, text) => {
        expectHandled(await calls[which](value, text));
      }),
      { numRuns: 300 },
    );
    const untouched = await request(server()).get('/api/tiktok/status?userId=fuzzed').set('X-API-Key', apiKey);
    expect(untouched.body).toMatchObject({ connected: true, status: 'active' });
  });

  it('should refuse random multipart uploads (fields and bytes) cleanly and keep no spool file', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          fc.constantFrom(
            'userId',
            'mode',
            'privacyLevel',
            'title',
            'disableComment',
            'coverTimestampMs',
            'brandContent',
            'junk',
          ),
          fieldValue,
        ),
        fc.uint8Array({ maxLength: 20_000 }),
        fc.option(fieldValue, { nil: undefined }),
        async (fields, bytes, idempotencyKey) => {
          const req = request(server()).post('/api/tiktok/upload').set('X-API-Key', apiKey);
          if (idempotencyKey !== undefined) req.set('Idempotency-Key', headerSafe(idempotencyKey));
          for (const [name, value] of Object.entries(fields)) req.field(name, value);
          // A refusal may come before the body is all sent, and the gateway then closes: EPIPE/ECONNRESET here.
          const response = await req
            .attach('video', Buffer.from(bytes), 'clip.mp4')
            .catch((error: { code?: string }) => error);
          if ('status' in response) expectHandled(response);
          else expect(['EPIPE', 'ECONNRESET']).toContain(response.code);
          expect(readdirSync(t.config.uploads.spoolDir)).toEqual([]);
        },
      ),
      { numRuns: 120 },
    );
  });
});
