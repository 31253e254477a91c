import { NestExpressApplication } from '@nestjs/platform-express';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { testPreset } from '../../config/presets';
import { createApp } from '../../src/app.factory';
import { AppConfig, Env } from '../../src/config/app-config';
import { loadConfig } from '../../src/config/env.schema';
import { TikTokSandbox } from '../../src/tiktok-sandbox/tiktok-sandbox';
import { SandboxControl } from '../../src/tiktok-sandbox/sandbox-control';
import { TikTokSandboxOptions } from '../../src/tiktok-sandbox/sandbox-options';
import { createTestDatabase, TestDatabase } from './test-database';

/** The gateway's public URL in tests (supertest never needs it to resolve; redirects are followed by hand). */
export const TEST_PUBLIC_URL = 'http://127.0.0.1:3999';
export const TEST_REDIRECT_URI = `${TEST_PUBLIC_URL}/api/auth/tiktok/callback`;

export const ADMIN_KEY = testPreset.ADMIN_API_KEY;

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  database: TestDatabase;
  sandbox: TikTokSandbox;
  control: SandboxControl;
  /** Everything the app logged, as written (JSON lines). */
  logs(): string;
  /** `keepSpool` leaves the spooled videos for a next instance (a restart). */
  close(options?: { keepSpool?: boolean }): Promise<void>;
}

export interface TestAppOptions {
  env?: Env;
  /** Share a database with another instance instead of creating a new one. */
  database?: TestDatabase;
  /** Share a sandbox with another instance, or set the options of this app's own one. */
  sandbox?: TikTokSandbox;
  sandboxOptions?: Partial<TikTokSandboxOptions>;
}

/** A TikTok sandbox on a free port, registered for the test gateway's redirect URI. */
export async function startTestSandbox(options: Partial<TikTokSandboxOptions> = {}): Promise<TikTokSandbox> {
  const sandbox = new TikTokSandbox({
    clientKey: testPreset.TIKTOK_CLIENT_KEY,
    clientSecret: testPreset.TIKTOK_CLIENT_SECRET,
    redirectUris: [TEST_REDIRECT_URI],
    processingDelayMs: 50,
    ...options,
  });
  await sandbox.start(0, '127.0.0.1');
  return sandbox;
}

/** Boots the real application on a fresh database (or a shared one), capturing its logs. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const ownsDatabase = !options.database;
  const database = options.database ?? (await createTestDatabase());
  const ownsSandbox = !options.sandbox;
  const sandbox = options.sandbox ?? (await startTestSandbox(options.sandboxOptions));
  const spoolDir = mkdtempSync(join(tmpdir(), 'tgw-spool-'));
  // An app's disk is its spool folder, and its name goes with it: apps on folders of their own are separate hosts
  // (the host-name default would make every app in this process one host, each claiming the others' videos), and
  // an app started on a folder another left behind is that host restarted.
  const disk = options.env?.UPLOAD_SPOOL_DIR ?? spoolDir;
  const config = loadConfig({
    ...testPreset,
    DATABASE_URL: database.url,
    UPLOAD_SPOOL_DIR: spoolDir,
    INSTANCE_ID: `test-${basename(disk)}`.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 50),
    LOG_LEVEL: 'info',
    PUBLIC_URL: TEST_PUBLIC_URL,
    TIKTOK_AUTH_URL: sandbox.authorizeUrl,
    TIKTOK_API_BASE_URL: sandbox.baseUrl,
    // Test receivers (WebhookReceiver) listen on loopback over plain http, which tenant webhooks may use only when
    // allow-listed.
    TENANT_WEBHOOK_ALLOW: '127.0.0.1',
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
    sandbox,
    control: new SandboxControl(sandbox.baseUrl),
    logs: () => Buffer.concat(chunks).toString('utf8'),
    close: async ({ keepSpool = false } = {}) => {
      await app.close();
      if (ownsDatabase) await database.drop();
      if (ownsSandbox) await sandbox.stop();
      if (!keepSpool) rmSync(spoolDir, { recursive: true, force: true });
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
