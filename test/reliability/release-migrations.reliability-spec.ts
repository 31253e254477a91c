import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TikTokSandbox } from '../../src/tiktok-sandbox/tiktok-sandbox';
import { createTestDatabase, TestDatabase, usingPostgres } from '../support/test-database';
import { freePort } from '../harness/free-port';
import { ensureBuilt, GatewayProcess } from '../harness/gateway-process';
import { LiveGatewaySetup, liveCredentials, liveGatewayEnv, startLiveSandbox } from './support/live-gateway-env';
import { SecretLedger } from './support/secrets';

const ROOT = join(__dirname, '..', '..');
const MIGRATIONS = readdirSync(join(ROOT, 'src', 'database', 'migrations', usingPostgres ? 'postgresql' : 'sqlite'));
/** What `npm run db:migrate` runs once it has built dist/. */
const MIGRATE_COMMAND = 'node dist/src/commands/migrate.command.js';

// A release that migrates in a step of its own: instances start with DATABASE_MIGRATE_ON_START=false.
describe(`Migrations as a release step (${usingPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let main: string;
  let setup: LiveGatewaySetup;
  let sandbox: TikTokSandbox;
  let database: TestDatabase;
  let work: string;
  let env: Record<string, string>;
  let gateway: GatewayProcess | undefined;

  beforeAll(async () => {
    main = ensureBuilt();
    setup = liveCredentials(await freePort(), new SecretLedger());
    sandbox = await startLiveSandbox(setup);
    database = await createTestDatabase();
    work = mkdtempSync(join(tmpdir(), 'tgw-release-'));
    const wiring = {
      databaseUrl: database.url,
      apiBaseUrl: sandbox.baseUrl,
      authUrl: sandbox.authorizeUrl,
      spoolDir: join(work, 'spool'),
    };
    env = liveGatewayEnv(setup, wiring, { DATABASE_MIGRATE_ON_START: 'false' });
  }, 120_000);

  afterAll(async () => {
    await gateway?.stop();
    await sandbox?.stop();
    await database?.drop();
    if (work) rmSync(work, { recursive: true, force: true });
    if (main) rmSync(join(main, '..', '..', '..'), { recursive: true, force: true });
  });

  /** The built command, run from the dist copy as `npm run db:migrate` runs it from dist/. */
  const migrate = () =>
    promisify(execFile)(process.execPath, [join(main, '..', 'commands', 'migrate.command.js')], {
      cwd: work,
      env: { PATH: process.env.PATH ?? '', NODE_PATH: join(ROOT, 'node_modules'), ...env },
    });

  it('should refuse to start on a database that lacks migrations, naming them and the command', async () => {
    const start = GatewayProcess.start(main, setup.port, env, work);
    await expect(start).rejects.toThrow(/Gateway exited 1/);
    const output = String(await start.catch((error: unknown) => error));
    expect(output).toContain('DATABASE_MIGRATE_ON_START=false');
    expect(output).toContain('npm run db:migrate');
    for (const file of MIGRATIONS) expect(output).toContain(file.replace(/\.ts$/, ''));
  });

  it('should apply every migration with db:migrate, once, and then start without migrating', async () => {
    const scripts = (
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    expect(scripts['db:migrate']).toContain(MIGRATE_COMMAND);

    const first = await migrate();
    expect(first.stdout).toContain(`Applied ${MIGRATIONS.length} migration(s)`);
    const again = await migrate();
    expect(again.stdout).toContain('Nothing to migrate.');

    gateway = await GatewayProcess.start(main, setup.port, env, work);
    expect((await fetch(`${gateway.baseUrl}/health/ready`)).status).toBe(200);
    expect(gateway.logs()).not.toContain('Applied');
  });
});
