import { randomUUID } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SandboxControl } from '../../src/tiktok-sandbox/sandbox-control';
import { TikTokSandbox } from '../../src/tiktok-sandbox/tiktok-sandbox';
import { SPOOL_SWEEP_MIN_AGE_MS } from '../../src/uploads/intake/spool-sweeper';
import { UPLOAD_LEASE_MS } from '../../src/uploads/delivery/upload-delivery.job';
import { createTestDatabase, TestDatabase, usingPostgres } from '../support/test-database';
import { FIXTURES } from '../support/uploads';
import { freePort } from '../harness/free-port';
import { ensureBuilt, GatewayProcess } from '../harness/gateway-process';
import { HttpGateway } from '../harness/http-gateway';
import { LiveGatewaySetup, liveCredentials, liveGatewayEnv, startLiveSandbox } from './support/live-gateway-env';
import { settlesEmpty } from './support/raw-upload';
import { SecretLedger } from './support/secrets';

/** Older than the sweep's minimum age: nothing is writing these any more. */
const LONG_AGO = () => new Date(Date.now() - SPOOL_SWEEP_MIN_AGE_MS - 60_000);

describe(`The spool sweep of a gateway process (${usingPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let main: string;
  let setup: LiveGatewaySetup;
  let sandbox: TikTokSandbox;
  let database: TestDatabase;
  let work: string;
  let spoolDir: string;
  let env: Record<string, string>;
  let gateway: GatewayProcess | undefined;

  beforeAll(async () => {
    main = ensureBuilt();
    setup = liveCredentials(await freePort(), new SecretLedger());
    sandbox = await startLiveSandbox(setup);
    database = await createTestDatabase();
    work = realpathSync(mkdtempSync(join(tmpdir(), 'tgw-sweep-')));
    spoolDir = join(work, 'spool');
    mkdirSync(spoolDir, { mode: 0o700 });
    const wiring = { databaseUrl: database.url, apiBaseUrl: sandbox.baseUrl, authUrl: sandbox.authorizeUrl, spoolDir };
    env = liveGatewayEnv(setup, wiring, { RATE_LIMIT_API_PER_MINUTE: '100000' });
  }, 120_000);

  afterAll(async () => {
    await gateway?.stop();
    await sandbox?.stop();
    await database?.drop();
    if (work) rmSync(work, { recursive: true, force: true });
    if (main) rmSync(join(main, '..', '..', '..'), { recursive: true, force: true });
  });

  /** A file in the spool, last written at `modified`. */
  const place = (name: string, modified: Date) => {
    const path = join(spoolDir, name);
    writeFileSync(path, 'left over');
    utimesSync(path, modified, modified);
    return name;
  };
  const gone = (name: string) => settlesEmpty(() => (existsSync(join(spoolDir, name)) ? [name] : []), 20_000);

  it('should delete at start an old spool file that no upload names, and leave young and foreign files', async () => {
    const orphan = place(`${randomUUID()}.video`, LONG_AGO());
    const young = place(`${randomUUID()}.video`, new Date());
    const foreign = [place('notes.txt', LONG_AGO()), place(`${randomUUID()}.video.part`, LONG_AGO())];

    gateway = await GatewayProcess.start(main, setup.port, env, work);

    expect(await gone(orphan)).toEqual([]);
    expect(readdirSync(spoolDir).sort()).toEqual([young, ...foreign].sort());
  });

  it('should keep, across a crash and restart, an old spool file that an upload still names', async () => {
    const before = new Set(readdirSync(spoolDir));
    const admin = new HttpGateway(gateway!.baseUrl);
    const api = admin.withApiKey((await admin.createTenant(setup.adminKey)).apiKey);
    await api.connect('creator');
    // TikTok is slow, so the upload is still on its way (its file in the spool) when the process dies.
    const control = new SandboxControl(sandbox.baseUrl);
    await control.setLatency(5_000);
    const accepted = await api.postVideo(join(FIXTURES, 'h264.mp4'), { userId: 'creator' });
    const [named] = readdirSync(spoolDir).filter((name) => !before.has(name));
    expect(named).toMatch(/\.video$/);
    await gateway!.kill9();
    utimesSync(join(spoolDir, named), LONG_AGO(), LONG_AGO());
    // Swept in the same pass as the upload's file would be: once it is gone, that pass has decided.
    const marker = place(`${randomUUID()}.video`, LONG_AGO());
    await control.setLatency(0);

    gateway = await GatewayProcess.start(main, setup.port, env, work);

    expect(await gone(marker)).toEqual([]);
    expect(existsSync(join(spoolDir, named))).toBe(true);
    // The kept file is the one TikTok receives once the dead owner's lease lapses; then it goes the normal way.
    expect(await api.waitForUpload(accepted.id, UPLOAD_LEASE_MS + 30_000)).toMatchObject({ status: 'inbox_delivered' });
    expect(await gone(named)).toEqual([]);
  }, 120_000);
});
