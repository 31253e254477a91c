import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface PgClient {
  connect(): Promise<void>;
  query(sql: string): Promise<unknown>;
  end(): Promise<void>;
}
// pg comes with @mikro-orm/postgresql; only the test helper talks to it directly.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Client } = require('pg') as { Client: new (options: { connectionString: string }) => PgClient };

export interface TestDatabase {
  url: string;
  /** The SQLite file, when the database is SQLite (tests read it raw to prove nothing is stored in clear). */
  sqliteFile?: string;
  drop(): Promise<void>;
}

/** PostgreSQL when `TEST_DATABASE_URL` is set (CI), else a SQLite file in a fresh temporary folder. */
export const usingPostgres = Boolean(process.env.TEST_DATABASE_URL);

/** A fresh, empty database for one test file (a new PostgreSQL database, or a new SQLite file). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const dir = mkdtempSync(join(tmpdir(), 'tgw-db-'));
    const sqliteFile = join(dir, 'test.sqlite');
    return { url: `sqlite:${sqliteFile}`, sqliteFile, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `tgw_test_${randomBytes(6).toString('hex')}`;
  await withAdminClient(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withAdminClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

async function withAdminClient(url: string, run: (client: PgClient) => Promise<unknown>): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await run(client);
  } finally {
    await client.end();
  }
}
