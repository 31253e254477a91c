import { NestExpressApplication } from '@nestjs/platform-express';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { testPreset } from '../../config/presets';
import { createApp } from '../../src/app.factory';
import { AppConfig, Env } from '../../src/config/app-config';
import { loadConfig } from '../../src/config/env.schema';
import { createTestDatabase, TestDatabase } from './test-database';

export const ADMIN_KEY = testPreset.ADMIN_API_KEY;

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  database: TestDatabase;
  /** Everything the app logged, as written (JSON lines). */
  logs(): string;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Env;
  /** Share a database with another instance instead of creating a new one. */
  database?: TestDatabase;
}

/** Boots the real application on a fresh database (or a shared one), capturing its logs. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const ownsDatabase = !options.database;
  const database = options.database ?? (await createTestDatabase());
  const spoolDir = mkdtempSync(join(tmpdir(), 'tgw-spool-'));
  const config = loadConfig({
    ...testPreset,
    DATABASE_URL: database.url,
    UPLOAD_SPOOL_DIR: spoolDir,
    LOG_LEVEL: 'info',
    ...options.env,
  });
  const logStream = new PassThrough();
  const chunks: Buffer[] = [];
  logStream.on('data', (chunk: Buffer) => chunks.push(chunk));
  const app = await createApp(config, { logDestination: logStream });
  return {
    app,
    config,
    database,
    logs: () => Buffer.concat(chunks).toString('utf8'),
    close: async () => {
      await app.close();
      if (ownsDatabase) await database.drop();
      rmSync(spoolDir, { recursive: true, force: true });
    },
  };
}

/** Creates a tenant through the admin API and returns its id and API key. */
export async function createTenant(
  app: NestExpressApplication,
  body: { name?: string; returnUrls?: string[]; webhookUrl?: string } = {},
): Promise<{ id: string; apiKey: string; webhookSecret: string }> {
  const { default: request } = await import('supertest');
  const response = await request(app.getHttpServer())
    .post('/api/admin/tenants')
    .set('X-Admin-Key', ADMIN_KEY)
    .send({ name: 'team', ...body })
    .expect(201);
  return response.body as { id: string; apiKey: string; webhookSecret: string };
}
