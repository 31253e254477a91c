import { randomBytes } from 'node:crypto';
import { TikTokSandbox } from '../../../src/tiktok-sandbox/tiktok-sandbox';
import { SecretLedger } from './secrets';

export interface LiveGatewaySetup {
  port: number;
  publicUrl: string;
  adminKey: string;
  clientKey: string;
  clientSecret: string;
  encryptionKey: string;
}

/** Fresh live-mode credentials (live mode refuses the sandbox and test presets), registered in the ledger. */
export function liveCredentials(port: number, ledger: SecretLedger): LiveGatewaySetup {
  const setup = {
    port,
    publicUrl: `http://127.0.0.1:${port}`,
    adminKey: `adm_${randomBytes(16).toString('hex')}`,
    clientKey: `rel_ck_${randomBytes(8).toString('hex')}`,
    clientSecret: `rel_cs_${randomBytes(16).toString('hex')}`,
    encryptionKey: randomBytes(32).toString('base64'),
  };
  ledger.add('admin key', setup.adminKey);
  ledger.add('client secret', setup.clientSecret);
  ledger.add('token encryption key', setup.encryptionKey);
  return setup;
}

/** A sandbox that knows these credentials and the spawned gateway's callback. */
export async function startLiveSandbox(setup: LiveGatewaySetup): Promise<TikTokSandbox> {
  const sandbox = new TikTokSandbox({
    clientKey: setup.clientKey,
    clientSecret: setup.clientSecret,
    redirectUris: [`${setup.publicUrl}/api/auth/tiktok/callback`],
    processingDelayMs: 50,
  });
  await sandbox.start(0, '127.0.0.1');
  return sandbox;
}

/** The environment of `node dist/src/main.js` in live mode against an emulator on loopback (http is allowed there, README "Configuration"). */
export function liveGatewayEnv(
  setup: LiveGatewaySetup,
  wiring: { databaseUrl: string; apiBaseUrl: string; authUrl: string; spoolDir: string; redisUrl?: string },
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    TIKTOK_MODE: 'live',
    PUBLIC_URL: setup.publicUrl,
    DATABASE_URL: wiring.databaseUrl,
    ...(wiring.redisUrl ? { REDIS_URL: wiring.redisUrl } : {}),
    ADMIN_API_KEY: setup.adminKey,
    TOKEN_ENCRYPTION_KEYS: `rel1:${setup.encryptionKey}`,
    TIKTOK_CLIENT_KEY: setup.clientKey,
    TIKTOK_CLIENT_SECRET: setup.clientSecret,
    TIKTOK_AUTH_URL: wiring.authUrl,
    TIKTOK_API_BASE_URL: wiring.apiBaseUrl,
    UPLOAD_SPOOL_DIR: wiring.spoolDir,
    LOG_LEVEL: 'info',
    // Test receivers listen on loopback over plain http (see WebhookReceiver).
    TENANT_WEBHOOK_ALLOW: '127.0.0.1',
    ...extra,
  };
}
