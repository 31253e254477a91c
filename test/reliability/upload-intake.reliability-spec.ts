import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TikTokSandbox } from '../../src/tiktok-sandbox/tiktok-sandbox';
import { createTestDatabase, TestDatabase, usingPostgres } from '../support/test-database';
import { freePort } from '../harness/free-port';
import { ensureBuilt, GatewayProcess } from '../harness/gateway-process';
import { HttpGateway } from '../harness/http-gateway';
import { liveCredentials, liveGatewayEnv, startLiveSandbox } from './support/live-gateway-env';
import {
  descriptorsInto,
  MultipartBody,
  RawAnswer,
  RawConnection,
  sendUpload,
  settlesEmpty,
  uploadHead,
} from './support/raw-upload';
import { SecretLedger } from './support/secrets';

/** Random bytes in the video part: never a video, so nothing a case sends is ever accepted and queued. */
const NOT_A_VIDEO = randomBytes(300_000);

// Each case would have ended the process, or left a file or an open descriptor in the spool, before.
describe(`Hostile multipart uploads to a gateway process (${usingPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let main: string;
  let sandbox: TikTokSandbox;
  let database: TestDatabase;
  let work: string;
  let spoolDir: string;
  let gateway: GatewayProcess;
  let apiKey: string;
  let start: () => Promise<GatewayProcess>;

  beforeAll(async () => {
    main = ensureBuilt();
    const setup = liveCredentials(await freePort(), new SecretLedger());
    sandbox = await startLiveSandbox(setup);
    database = await createTestDatabase();
    work = realpathSync(mkdtempSync(join(tmpdir(), 'tgw-intake-')));
    spoolDir = join(work, 'spool');
    mkdirSync(spoolDir, { mode: 0o700 });
    const wiring = { databaseUrl: database.url, apiBaseUrl: sandbox.baseUrl, authUrl: sandbox.authorizeUrl, spoolDir };
    const env = liveGatewayEnv(setup, wiring, {
      // Hundreds of requests from one key in a minute: the rate limits and intake caps are not what this tests.
      RATE_LIMIT_API_PER_MINUTE: '100000',
      RATE_LIMIT_UPLOADS_PER_MINUTE: '100000',
      UPLOAD_MAX_CONCURRENT_PER_KEY: '1000',
      UPLOAD_MAX_CONCURRENT: '1000',
    });
    start = () => GatewayProcess.start(main, setup.port, env, work);
    gateway = await start();
    const admin = new HttpGateway(gateway.baseUrl);
    ({ apiKey } = await admin.createTenant(setup.adminKey));
    // A connected user gets past the checks before the file, so its video part is really written to the spool.
    await admin.withApiKey(apiKey).connect('creator');
  }, 120_000);

  // A case that ends the process, or leaves something in the spool, fails alone: the next one starts from a
  // running gateway and an empty spool.
  beforeEach(async () => {
    const live = await fetch(`${gateway.baseUrl}/health/live`).then(
      (r) => r.ok,
      () => false,
    );
    if (live && readdirSync(spoolDir).length === 0 && descriptorsInto(gateway.pid, spoolDir).length === 0) return;
    await gateway.kill9();
    rmSync(spoolDir, { recursive: true, force: true });
    mkdirSync(spoolDir, { mode: 0o700 });
    gateway = await start();
  });

  afterAll(async () => {
    await gateway?.stop();
    await sandbox?.stop();
    await database?.drop();
    if (work) rmSync(work, { recursive: true, force: true });
    if (main) rmSync(join(main, '..', '..', '..'), { recursive: true, force: true });
  });

  /** Still running, answering, and holding nothing in the spool: no file, no descriptor. */
  const expectUnharmed = async () => {
    expect(gateway.isRunning()).toBe(true);
    expect((await fetch(`${gateway.baseUrl}/health/live`)).status).toBe(200);
    const status = await fetch(`${gateway.baseUrl}/api/tiktok/status?userId=creator`, {
      headers: { 'X-API-Key': apiKey },
    });
    expect(await status.json()).toMatchObject({ connected: true, status: 'active' });
    expect(await settlesEmpty(() => readdirSync(spoolDir))).toEqual([]);
    expect(await settlesEmpty(() => descriptorsInto(gateway.pid, spoolDir))).toEqual([]);
  };
  const errorOf = (answer: RawAnswer) => (JSON.parse(answer.body) as { error: Record<string, unknown> }).error;

  it.each([
    ['a user who is not connected', 'nobody'],
    ['a connected user', 'creator'],
  ])('should refuse a body that ends inside the video part (%s) and stay up', async (_, userId) => {
    const form = new MultipartBody();
    const body = Buffer.concat([form.field('userId', userId), form.fileHead(), Buffer.from('abcd')]);
    const answer = await sendUpload(gateway.baseUrl, apiKey, form, body);
    // For the user who is not connected the check of the fields may answer first; either way, only this request fails.
    expect([400, 409]).toContain(answer.status);
    expect(errorOf(answer)).toMatchObject({
      code: expect.stringMatching(/^(validation_failed|not_connected)$/),
      requestId: expect.any(String),
    });
    if (userId === 'creator') expect(errorOf(answer).message).toMatch(/ends inside the "video" part|ends early/);
    await expectUnharmed();
  });

  it('should close and remove the partial file when the connection drops in the middle of the video', async () => {
    const form = new MultipartBody();
    const connection = await RawConnection.open(gateway.baseUrl);
    await connection.write(uploadHead(apiKey, 50_000_000, `multipart/form-data; boundary=${form.boundary}`));
    await connection.write(Buffer.concat([form.field('userId', 'creator'), form.fileHead(), NOT_A_VIDEO]));
    // Cut only once the gateway is writing the file.
    const writing = await settlesEmpty(() => (descriptorsInto(gateway.pid, spoolDir).length > 0 ? [] : ['none']));
    expect(writing).toEqual([]);
    connection.destroy();
    await expectUnharmed();
  });

  const connected = (form: MultipartBody) => form.field('userId', 'creator');
  it.each<[string, (form: MultipartBody) => Buffer[], RegExp]>([
    [
      'a title over 16 KiB',
      (form) => [connected(form), form.field('title', 't'.repeat(17_000)), form.file(NOT_A_VIDEO)],
      /title is too long/,
    ],
    [
      '31 fields',
      // Valid fields (a repeated title), so nothing but the count refuses them.
      (form) => [
        connected(form),
        ...Array.from({ length: 30 }, () => form.field('title', 'hi')),
        form.file(NOT_A_VIDEO),
      ],
      /Too many form fields/,
    ],
    [
      'a 10 MB field before the file',
      (form) => [connected(form), form.field('description', 'd'.repeat(10_000_000)), form.file(NOT_A_VIDEO)],
      /description is too long/,
    ],
    [
      'the file in another field',
      (form) => [connected(form), form.file(NOT_A_VIDEO, 'clip')],
      /send it in the field "video"/,
    ],
    ['two files', (form) => [connected(form), form.file(NOT_A_VIDEO), form.file(NOT_A_VIDEO)], /exactly one file/],
  ])('should refuse %s with 400 and keep no file and no descriptor', async (_, parts, message) => {
    const form = new MultipartBody();
    const answer = await sendUpload(gateway.baseUrl, apiKey, form, Buffer.concat([...parts(form), form.end()]));
    expect(answer.status).toBe(400);
    expect(errorOf(answer)).toMatchObject({ code: 'validation_failed', message: expect.stringMatching(message) });
    await expectUnharmed();
  });

  it('should survive truncated, cut and malformed multipart bodies, some dropped early, and keep the spool empty', async () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('none' as const) }),
      fc.record({ kind: fc.constant('cut' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
      fc.record({ kind: fc.constant('wrong-boundary' as const), inHeader: fc.boolean() }),
      fc.record({ kind: fc.constant('garbage-header' as const), text: fc.string({ unit: 'binary', maxLength: 120 }) }),
      fc.record({ kind: fc.constant('no-crlf' as const), nth: fc.nat({ max: 12 }) }),
      fc.record({
        kind: fc.constant('noise' as const),
        at: fc.double({ min: 0, max: 1, noNaN: true }),
        bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }),
      }),
    );
    const delivery = fc.oneof(
      fc.record({ kind: fc.constant('whole' as const) }),
      // Content-Length promises more than comes; the client then goes away.
      fc.record({ kind: fc.constant('short' as const), missing: fc.integer({ min: 1, max: 100_000 }) }),
      fc.record({ kind: fc.constant('drop' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
    );
    const fuzzCase = fc.record({
      userId: fc.constantFrom('creator', 'nobody'),
      fields: fc.array(
        fc.tuple(fc.constantFrom('title', 'mode', 'privacyLevel', 'description', 'junk'), fc.string({ maxLength: 40 })),
        { maxLength: 4 },
      ),
      // Small bodies often end before the checks of the fields do; large ones arrive in many reads.
      fileBytes: fc.oneof(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: NOT_A_VIDEO.length })),
      fileFirst: fc.boolean(),
      mutation,
      delivery,
    });

    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fuzzCase, async (c) => {
        runs++;
        const form = new MultipartBody();
        const fieldParts = [
          form.field('userId', c.userId),
          ...c.fields.map(([name, value]) => form.field(name, value)),
        ];
        const filePart = form.file(NOT_A_VIDEO.subarray(0, c.fileBytes));
        let body = Buffer.concat([
          ...(c.fileFirst ? [filePart, ...fieldParts] : [...fieldParts, filePart]),
          form.end(),
        ]);
        let contentType = `multipart/form-data; boundary=${form.boundary}`;
        const m = c.mutation;
        if (m.kind === 'cut') body = body.subarray(0, Math.floor(m.at * body.length));
        if (m.kind === 'wrong-boundary' && m.inHeader) contentType = 'multipart/form-data; boundary=not-the-one';
        if (m.kind === 'wrong-boundary' && !m.inHeader)
          body = Buffer.from(body.toString('latin1').split(form.boundary).join('other'), 'latin1');
        if (m.kind === 'garbage-header') {
          body = Buffer.from(
            body.toString('latin1').replace('Content-Disposition', `${m.text}\r\nContent-Disposition`),
            'latin1',
          );
        }
        if (m.kind === 'no-crlf') {
          const text = body.toString('latin1').split('\r\n');
          const at = Math.min(m.nth, text.length - 2);
          body = Buffer.from(
            [...text.slice(0, at), text[at] + text[at + 1], ...text.slice(at + 2)].join('\r\n'),
            'latin1',
          );
        }
        if (m.kind === 'noise') {
          const at = Math.floor(m.at * body.length);
          body = Buffer.concat([body.subarray(0, at), Buffer.from(m.bytes), body.subarray(at)]);
        }

        const d = c.delivery;
        const declared = d.kind === 'short' ? body.length + d.missing : body.length;
        const connection = await RawConnection.open(gateway.baseUrl);
        const head = Buffer.from(uploadHead(apiKey, declared, contentType));
        if (d.kind === 'drop') {
          await connection.write(Buffer.concat([head, body.subarray(0, Math.floor(d.at * body.length))]));
          connection.destroy();
        } else if (d.kind === 'short') {
          await connection.write(Buffer.concat([head, body]));
          await sleep(5);
          connection.destroy();
        } else {
          await connection.write(Buffer.concat([head, body]));
          const answer = await connection.answer();
          // A whole request always gets an answer, a refusal with the error body: never a 5xx, never silence.
          expect(answer.status).toBeGreaterThanOrEqual(400);
          expect(answer.status).toBeLessThan(500);
          expect(errorOf(answer)).toMatchObject({ code: expect.any(String), requestId: expect.any(String) });
        }
        expect(gateway.isRunning()).toBe(true);
      }),
      { numRuns: 3000, interruptAfterTimeLimit: 25_000, markInterruptAsFailure: false, endOnFailure: true },
    );
    expect(runs).toBeGreaterThan(20);
    await expectUnharmed();
    // Every one was the caller's mistake, answered as such: nothing logged as an unexpected error.
    expect(gateway.logs()).not.toMatch(/"level":(50|60)/);
  }, 90_000);
});
