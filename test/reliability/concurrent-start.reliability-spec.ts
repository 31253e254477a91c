import { MikroORM } from '@mikro-orm/core';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildOrmOptions } from '../../src/database/orm-options';
import { ENTITIES } from '../../src/entities';
import { TikTokSandbox } from '../../src/tiktok-sandbox/tiktok-sandbox';
import { createTestDatabase, TestDatabase, usingPostgres } from '../support/test-database';
import { freePort } from '../harness/free-port';
import { ensureBuilt, GatewayProcess } from '../harness/gateway-process';
import { liveCredentials, liveGatewayEnv, startLiveSandbox } from './support/live-gateway-env';
import { SecretLedger } from './support/secrets';

const INSTANCES = 3;
const ROUNDS = 5;
const MIGRATIONS = readdirSync(join(__dirname, '..', '..', 'src', 'database', 'migrations', 'postgresql')).length;

// A deploy of three replicas on a fresh database: every instance runs the migrations at start, at the same moment.
(usingPostgres ? describe : describe.skip)('Instances started together on a fresh PostgreSQL database', () => {
  let main: string;
  let sandbox: TikTokSandbox;
  let work: string;
  const databases: TestDatabase[] = [];
  const gateways: GatewayProcess[] = [];

  beforeAll(async () => {
    main = ensureBuilt();
    work = mkdtempSync(join(tmpdir(), 'tgw-concurrent-start-'));
    sandbox = await startLiveSandbox(liveCredentials(await freePort(), new SecretLedger()));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.stop()));
    await sandbox?.stop();
    await Promise.all(databases.map((database) => database.drop()));
    if (work) rmSync(work, { recursive: true, force: true });
    if (main) rmSync(join(main, '..', '..', '..'), { recursive: true, force: true });
  });

  it(`should bring up all ${INSTANCES} instances, ${ROUNDS} times over, each migration applied once`, async () => {
    for (let round = 1; round <= ROUNDS; round++) {
      const database = await createTestDatabase();
      databases.push(database);
      const starts = await Promise.allSettled(
        Array.from({ length: INSTANCES }, async (_, i) => {
          const setup = liveCredentials(await freePort(), new SecretLedger());
          const wiring = {
            databaseUrl: database.url,
            apiBaseUrl: sandbox.baseUrl,
            authUrl: sandbox.authorizeUrl,
            spoolDir: join(work, `round${round}-instance${i}`),
          };
          const gateway = await GatewayProcess.start(main, setup.port, liveGatewayEnv(setup, wiring), work);
          gateways.push(gateway);
          return gateway;
        }),
      );
      const failures = starts.flatMap((start) => (start.status === 'rejected' ? [String(start.reason)] : []));
      expect({ round, failures }).toEqual({ round, failures: [] });

      const orm = await MikroORM.init({
        ...buildOrmOptions({ url: database.url, driver: 'postgresql' }, ENTITIES),
        logger: () => undefined,
      });
      try {
        const applied: { name: string }[] = await orm.em
          .getConnection()
          .execute('select name from mikro_orm_migrations');
        expect(applied).toHaveLength(MIGRATIONS);
        expect(new Set(applied.map((row) => row.name)).size).toBe(MIGRATIONS);
      } finally {
        await orm.close(true);
      }
      await Promise.all(gateways.splice(0).map((gateway) => gateway.stop()));
    }
  }, 300_000);
});

if (!usingPostgres) console.info('Concurrent start on a fresh database skipped: set TEST_DATABASE_URL to run it.');
