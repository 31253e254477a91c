import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TikTokSandbox } from '../../src/tiktok-sandbox/tiktok-sandbox';
import { createTestDatabase, TestDatabase, usingPostgres } from '../support/test-database';
import { freePort } from '../harness/free-port';
import { ensureBuilt, GatewayProcess } from '../harness/gateway-process';
import { HttpGateway } from '../harness/http-gateway';
import { LiveGatewaySetup, liveCredentials, liveGatewayEnv, startLiveSandbox } from './support/live-gateway-env';
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

const NOT_A_VIDEO = randomBytes(100_000);

describe(`Limits on uploads being received by a gateway process (${usingPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let main: string;
  let setup: LiveGatewaySetup;
  let sandbox: TikTokSandbox;
  let database: TestDatabase;
  let work: string;
  let spoolDir: string;
  let env: Record<string, string>;
  let gateway: GatewayProcess;
  const keys: Record<'a' | 'b' | 'c', string> = { a: '', b: '', c: '' };

  const start = (extra: Record<string, string>) =>
    GatewayProcess.start(main, setup.port, { ...env, ...extra }, work).then((started) => (gateway = started));

  beforeAll(async () => {
    main = ensureBuilt();
    setup = liveCredentials(await freePort(), new SecretLedger());
    sandbox = await startLiveSandbox(setup);
    database = await createTestDatabase();
    work = realpathSync(mkdtempSync(join(tmpdir(), 'tgw-limits-')));
    spoolDir = join(work, 'spool');
    mkdirSync(spoolDir, { mode: 0o700 });
    const wiring = { databaseUrl: database.url, apiBaseUrl: sandbox.baseUrl, authUrl: sandbox.authorizeUrl, spoolDir };
    env = liveGatewayEnv(setup, wiring, {
      RATE_LIMIT_API_PER_MINUTE: '100000',
      RATE_LIMIT_UPLOADS_PER_MINUTE: '100000',
    });
    await start({ UPLOAD_MAX_CONCURRENT_PER_KEY: '2', UPLOAD_MAX_CONCURRENT: '3' });
    const admin = new HttpGateway(gateway.baseUrl);
    for (const name of ['a', 'b', 'c'] as const) {
      keys[name] = (await admin.createTenant(setup.adminKey)).apiKey;
      // Connected, so a held upload gets past the fields and is visibly receiving its file.
      await admin.withApiKey(keys[name]).connect('creator');
    }
  }, 120_000);

  afterAll(async () => {
    await gateway?.stop();
    await sandbox?.stop();
    await database?.drop();
    if (work) rmSync(work, { recursive: true, force: true });
    if (main) rmSync(join(main, '..', '..', '..'), { recursive: true, force: true });
  });

  /** An upload that has started its file and then waits, holding its place, until the connection is dropped. */
  const hold = async (apiKey: string) => {
    const receiving = descriptorsInto(gateway.pid, spoolDir).length;
    const form = new MultipartBody();
    const connection = await RawConnection.open(gateway.baseUrl);
    await connection.write(uploadHead(apiKey, 50_000_000, `multipart/form-data; boundary=${form.boundary}`));
    await connection.write(Buffer.concat([form.field('userId', 'creator'), form.fileHead(), NOT_A_VIDEO]));
    const started = await settlesEmpty(() =>
      descriptorsInto(gateway.pid, spoolDir).length > receiving ? [] : ['not receiving'],
    );
    expect(started).toEqual([]);
    return connection;
  };
  /** A whole small upload (not a video): once let in, the gateway's own checks answer it. */
  const upload = (apiKey: string) => {
    const form = new MultipartBody();
    const body = Buffer.concat([form.field('userId', 'creator'), form.file(NOT_A_VIDEO), form.end()]);
    return sendUpload(gateway.baseUrl, apiKey, form, body);
  };
  const expectRefused = (answer: RawAnswer, status: number, code: string) => {
    expect(answer.status).toBe(status);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code, requestId: expect.any(String) } });
    expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
  };

  it('should refuse a key over its uploads at once with 429 and anyone over the total with 503, until one ends', async () => {
    const a1 = await hold(keys.a);
    const a2 = await hold(keys.a);
    expectRefused(await upload(keys.a), 429, 'rate_limited');
    const b1 = await hold(keys.b);
    expectRefused(await upload(keys.c), 503, 'service_unavailable');
    expectRefused(await upload(keys.b), 503, 'service_unavailable');

    // A dropped upload gives its place back: the key is let in again and its upload checked (not a video: 415).
    a1.destroy();
    let answer: RawAnswer | undefined;
    for (let attempt = 0; attempt < 100 && answer?.status !== 415; attempt++) answer = await upload(keys.a);
    expect(answer?.status).toBe(415);

    a2.destroy();
    b1.destroy();
    expect(await settlesEmpty(() => readdirSync(spoolDir))).toEqual([]);
    expect(await settlesEmpty(() => descriptorsInto(gateway.pid, spoolDir))).toEqual([]);
  });

  it('should refuse an upload with 503 before storing a byte when the disk would keep less than the minimum free', async () => {
    await gateway.stop();
    // More than any test machine's disk has free.
    await start({ UPLOAD_MIN_FREE_BYTES: String(2 ** 50) });

    expectRefused(await upload(keys.a), 503, 'service_unavailable');
    expect(readdirSync(spoolDir)).toEqual([]);
  });
});
