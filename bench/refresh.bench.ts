import { EntityManager, RequestContext } from '@mikro-orm/core';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createApp } from '../src/app.factory';
import { loadConfig } from '../src/config/env.schema';
import { TenantsService } from '../src/tenants/tenants.service';
import { TikTokApiClient } from '../src/tiktok-api/tiktok-api.client';
import { DueRefreshService } from '../src/tokens/due-refresh.service';
import { TokensService } from '../src/tokens/tokens.service';
import { createTestDatabase } from '../test/support/test-database';
import { BENCH_ADMIN_KEY, BENCH_TOKEN_KEYS } from './support/gateway-process';
import { explainDueScan } from './support/due-scan-plan';
import { BenchResult, log, seconds } from './support/results';
import { obtainTokens } from './support/sandbox-oauth';
import { BENCH_CLIENT, startSandboxProcess, type SandboxProcess } from './support/sandbox-process';

const PUBLIC_URL = 'http://127.0.0.1:3999';
const REDIRECT_URI = `${PUBLIC_URL}/api/auth/tiktok/callback`;
const CREATE_CONCURRENCY = 16;
/** Stored as if connected this long ago, so each access token (2 h) expires in 5 minutes: inside the 30 min lead. */
const BACKDATE_MS = (7200 - 300) * 1000;

/**
 * 10,000 due connections refreshed by the real DueRefreshService against the sandbox (own process).
 * The gateway runs in the bench process here (it has to be driven directly); the database is PostgreSQL when
 * TEST_DATABASE_URL is set, else SQLite.
 */
export async function benchRefresh(workDir: string): Promise<BenchResult[]> {
  const count = Number(process.env.BENCH_REFRESH_CONNECTIONS ?? 10_000);
  const sandbox = await startSandboxProcess({ redirectUris: [REDIRECT_URI] });
  const database = await createTestDatabase().catch(async (error: unknown) => {
    await sandbox.stop();
    throw error;
  });
  try {
    return await refreshWithApp(workDir, count, sandbox, database.url);
  } finally {
    await database.drop();
    await sandbox.stop();
  }
}

async function refreshWithApp(
  workDir: string,
  count: number,
  sandbox: SandboxProcess,
  databaseUrl: string,
): Promise<BenchResult[]> {
  const driver = databaseUrl.startsWith('sqlite') ? 'SQLite' : 'PostgreSQL';
  const config = loadConfig({
    TIKTOK_MODE: 'live',
    PUBLIC_URL,
    DATABASE_URL: databaseUrl,
    ADMIN_API_KEY: BENCH_ADMIN_KEY,
    TOKEN_ENCRYPTION_KEYS: BENCH_TOKEN_KEYS,
    TIKTOK_CLIENT_KEY: BENCH_CLIENT.clientKey,
    TIKTOK_CLIENT_SECRET: BENCH_CLIENT.clientSecret,
    TIKTOK_AUTH_URL: sandbox.authorizeUrl,
    TIKTOK_API_BASE_URL: sandbox.baseUrl,
    UPLOAD_SPOOL_DIR: join(workDir, 'refresh-spool'),
    TOKEN_REFRESH_INTERVAL_SECONDS: '86400',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
  });
  const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
  const app = await createApp(config, { logDestination: discard });
  try {
    const em = app.get(EntityManager);
    // createTenant runs inside a request in the service; here it gets a context of its own.
    const tenant = await RequestContext.create(em, () => app.get(TenantsService).createTenant({ name: 'bench' }));
    const client = app.get(TikTokApiClient);
    const tokensService = app.get(TokensService);
    log(`refresh: creating ${count} connections on ${driver} (sandbox authorize + code exchange + saveConnection)`);
    const createStarted = performance.now();
    await pool(count, CREATE_CONCURRENCY, async (i) => {
      const tokens = await obtainTokens(client, sandbox.authorizeUrl, REDIRECT_URI);
      const profile = { openId: tokens.openId, displayName: `bench ${i}` };
      await tokensService.saveConnection(
        tenant.id,
        `bench-user-${i}`,
        tokens,
        profile,
        new Date(Date.now() - BACKDATE_MS),
      );
    });
    log(`refresh: created in ${seconds(performance.now() - createStarted)}`);

    const refresher = app.get(DueRefreshService);
    const leadMs = config.tokens.refreshLeadSeconds * 1000;
    const planBefore = await explainDueScan(em, new Date(Date.now() + leadMs), 500);
    const statsBefore = await sandbox.control.stats();
    log(`refresh: refreshDue(now) over ${count} due connections`);
    const started = performance.now();
    const summary = await refresher.refreshDue(new Date());
    const elapsed = performance.now() - started;
    const statsAfter = await sandbox.control.stats();
    const planAfter = await explainDueScan(em, new Date(Date.now() + leadMs), 500);
    const tiktokCalls = statsAfter.requestCount - statsBefore.requestCount;
    const clean = statsAfter.violationCount === 0 && !statsAfter.refreshTokenReused && tiktokCalls === count;
    return [
      {
        benchmark: `refresh ${count} due connections (${driver})`,
        measured: seconds(elapsed),
        reference: '-',
        ratio: '-',
        target: '< 60 s, all refreshed',
        pass: elapsed < 60_000 && summary.refreshed === count && clean,
        notes: [
          `summary ${JSON.stringify(summary)}; ${(count / (elapsed / 1000)).toFixed(0)} refreshes/s`,
          `sandbox: ${tiktokCalls} token calls during the run, ${statsAfter.violationCount} violations, ` +
            `refresh token reused: ${statsAfter.refreshTokenReused}`,
        ],
      },
      {
        benchmark: `due-scan query uses the index (${driver})`,
        measured: planBefore.usesIndex && planAfter.usesIndex ? 'index scan' : 'no index',
        reference: '-',
        ratio: '-',
        target: 'index on (status, access_token_expires_at)',
        pass: planBefore.usesIndex && planAfter.usesIndex,
        notes: [
          `SQL: ${planBefore.sql}`,
          `plan with ${count} due:\n    ${planBefore.plan.join('\n    ')}`,
          `plan after the refresh (none due):\n    ${planAfter.plan.join('\n    ')}`,
        ],
      },
    ];
  } finally {
    await app.close();
  }
}

async function pool(count: number, concurrency: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await work(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
