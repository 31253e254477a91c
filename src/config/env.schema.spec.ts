import { hostname } from 'node:os';
import { ConfigValidationError, loadConfig } from './env.schema';

const KEYS = 'k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';
const LIVE_KEYS = 'prod:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  return [];
}

const liveEnv = {
  TIKTOK_MODE: 'live',
  ADMIN_API_KEY: 'a-real-admin-key-of-decent-length',
  TOKEN_ENCRYPTION_KEYS: LIVE_KEYS,
  TIKTOK_CLIENT_KEY: 'awxyz123',
  TIKTOK_CLIENT_SECRET: 'real-secret',
  PUBLIC_URL: 'https://gateway.example.com',
};

describe(loadConfig.name, () => {
  it('should start on the documented defaults in sandbox mode', () => {
    const config = loadConfig({ TOKEN_ENCRYPTION_KEYS: KEYS });
    expect(config.app.port).toBe(3000);
    expect(config.app.publicUrl).toBe('http://localhost:3000');
    expect(config.db).toEqual({ url: 'sqlite:data/tiktok-gateway.sqlite', driver: 'sqlite', migrateOnStart: true });
    expect(config.app.shutdownGraceSeconds).toBe(25);
    expect(config.tiktok).toMatchObject({
      mode: 'sandbox',
      sandboxPort: 3001,
      redirectUri: 'http://localhost:3000/api/auth/tiktok/callback',
      scopes: ['user.info.basic', 'video.upload', 'video.publish'],
      apiBaseUrl: 'http://127.0.0.1:3001',
      pkceEncoding: 'hex',
    });
    expect(config.uploads).toEqual({
      spoolDir: 'data/spool',
      maxBytes: 4294967296,
      chunkBytes: 10000000,
      scheduleMaxDays: 30,
    });
    expect(config.rateLimits).toEqual({
      apiPerMinute: 600,
      uploadsPerMinute: 30,
      publicPerMinute: 120,
      webhooksPerMinute: 600,
      authFailuresPerWindow: 20,
      authFailureWindowSeconds: 300,
    });
    expect(config.redis.url).toBeUndefined();
  });

  it('should use the TikTok production URLs in live mode', () => {
    const config = loadConfig(liveEnv);
    expect(config.tiktok.authUrl).toBe('https://www.tiktok.com/v2/auth/authorize/');
    expect(config.tiktok.apiBaseUrl).toBe('https://open.tiktokapis.com');
    expect(config.tiktok.redirectUri).toBe('https://gateway.example.com/api/auth/tiktok/callback');
  });

  it('should list every problem, one line each, naming the variable', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      DATABASE_URL: 'mysql://x/y',
      UPLOAD_CHUNK_BYTES: '1000',
      TIKTOK_PKCE_ENCODING: 'plain',
      REDIS_URL: 'http://localhost:6379',
      TOKEN_ENCRYPTION_KEYS: 'k1:short',
      LOG_LEVEL: 'loud',
    });
    expect(problems).toHaveLength(7);
    for (const name of [
      'PORT',
      'DATABASE_URL',
      'UPLOAD_CHUNK_BYTES',
      'TIKTOK_PKCE_ENCODING',
      'REDIS_URL',
      'TOKEN_ENCRYPTION_KEYS',
      'LOG_LEVEL',
    ]) {
      expect(problems.filter((p) => p.startsWith(`${name}:`))).toHaveLength(1);
    }
  });

  it('should require the secrets in live mode', () => {
    const problems = problemsOf({ TIKTOK_MODE: 'live' });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ADMIN_API_KEY: is required/),
        expect.stringMatching(/^TOKEN_ENCRYPTION_KEYS: is required/),
        expect.stringMatching(/^TIKTOK_CLIENT_KEY: is required/),
        expect.stringMatching(/^TIKTOK_CLIENT_SECRET: is required/),
      ]),
    );
  });

  it('should refuse placeholder and preset secrets in live mode', () => {
    const problems = problemsOf({
      ...liveEnv,
      ADMIN_API_KEY: 'change-me-admin-key-long-enough',
      TIKTOK_CLIENT_SECRET: 'sbx_client_secret_not_for_live_use',
      TOKEN_ENCRYPTION_KEYS: KEYS,
    });
    expect(problems).toEqual([
      expect.stringMatching(/^ADMIN_API_KEY: still holds the .env.example placeholder/),
      expect.stringMatching(/^TOKEN_ENCRYPTION_KEYS: holds the test preset key/),
      expect.stringMatching(/^TIKTOK_CLIENT_SECRET: holds a sandbox preset value/),
    ]);
  });

  it("should refuse .env.example's token key and a key ring the cipher could not load, in one line each", () => {
    const placeholder = 'change-me:Y2hhbmdlLW1lLWNoYW5nZS1tZS1jaGFuZ2UtbWUtMTI='; // as in .env.example
    expect(problemsOf({ ...liveEnv, TOKEN_ENCRYPTION_KEYS: placeholder })).toEqual([
      expect.stringMatching(/^TOKEN_ENCRYPTION_KEYS: still holds the .env.example placeholder/),
    ]);
    const duplicate = `${KEYS},${KEYS}`;
    expect(problemsOf({ ...liveEnv, TOKEN_ENCRYPTION_KEYS: duplicate })).toEqual([
      expect.stringMatching(/^TOKEN_ENCRYPTION_KEYS: key ring entry 2: duplicate key id "k1"/),
    ]);
  });

  it('should require https TikTok URLs in live mode except on loopback hosts', () => {
    expect(problemsOf({ ...liveEnv, TIKTOK_API_BASE_URL: 'http://tiktok.internal' })).toEqual([
      expect.stringMatching(/^TIKTOK_API_BASE_URL: must use https in live mode/),
    ]);
    expect(
      problemsOf({
        ...liveEnv,
        TIKTOK_API_BASE_URL: 'http://127.0.0.1:4000',
        TIKTOK_AUTH_URL: 'http://localhost:4000/a/',
      }),
    ).toEqual([]);
    expect(problemsOf({ ...liveEnv, TIKTOK_API_BASE_URL: 'http://[::1]:4000' })).toEqual([]);
  });

  it("should accept PostgreSQL URLs and chunk sizes within TikTok's rules", () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/gw', UPLOAD_CHUNK_BYTES: '64000000' });
    expect(config.db.driver).toBe('postgresql');
    expect(problemsOf({ UPLOAD_CHUNK_BYTES: '64000001' })).toHaveLength(1);
    expect(problemsOf({ UPLOAD_CHUNK_BYTES: '5242880' })).toHaveLength(0);
  });

  it('should read SCHEDULE_MAX_DAYS, 30 by default, and refuse values outside 1..365', () => {
    expect(loadConfig({}).uploads.scheduleMaxDays).toBe(30);
    expect(loadConfig({ SCHEDULE_MAX_DAYS: '7' }).uploads.scheduleMaxDays).toBe(7);
    expect(problemsOf({ SCHEDULE_MAX_DAYS: '0' })).toEqual([expect.stringContaining('SCHEDULE_MAX_DAYS')]);
    expect(problemsOf({ SCHEDULE_MAX_DAYS: 'soon' })).toEqual([expect.stringContaining('SCHEDULE_MAX_DAYS')]);
  });

  it('should read whether to migrate at start and how long to drain at shutdown', () => {
    const config = loadConfig({ DATABASE_MIGRATE_ON_START: 'false', SHUTDOWN_GRACE_SECONDS: '50' });
    expect(config.db.migrateOnStart).toBe(false);
    expect(config.app.shutdownGraceSeconds).toBe(50);
    expect(problemsOf({ DATABASE_MIGRATE_ON_START: 'no', SHUTDOWN_GRACE_SECONDS: '0' })).toEqual([
      expect.stringMatching(/^SHUTDOWN_GRACE_SECONDS: must be a whole number from 1 to 3600/),
      expect.stringMatching(/^DATABASE_MIGRATE_ON_START: must be true or false, got "no"/),
    ]);
  });

  it('should name the instance after the host unless INSTANCE_ID says otherwise', () => {
    expect(loadConfig({}).instance).toEqual({ id: hostname(), goneAfterSeconds: 600 });
    expect(loadConfig({ INSTANCE_ID: 'gw-2', INSTANCE_GONE_AFTER_SECONDS: '30' }).instance).toEqual({
      id: 'gw-2',
      goneAfterSeconds: 30,
    });
    expect(problemsOf({ INSTANCE_ID: 'gw 2', INSTANCE_GONE_AFTER_SECONDS: '1' })).toEqual([
      expect.stringMatching(/^INSTANCE_ID: must be 1 to 50 characters/),
      expect.stringMatching(/^INSTANCE_GONE_AFTER_SECONDS: must be a whole number from 3/),
    ]);
  });

  it('should leave malware scanning off by default', () => {
    expect(loadConfig({}).malwareScan).toEqual({ mode: 'off', port: 3310, timeoutSeconds: 60 });
  });

  it('should read clamd over TCP or a unix socket in clamav mode', () => {
    const tcp = { MALWARE_SCAN: 'clamav', CLAMAV_HOST: 'clamd.internal', CLAMAV_PORT: '3311' };
    expect(loadConfig({ ...tcp, MALWARE_SCAN_TIMEOUT_SECONDS: '120' }).malwareScan).toEqual({
      mode: 'clamav',
      host: 'clamd.internal',
      port: 3311,
      timeoutSeconds: 120,
    });
    const unix = { MALWARE_SCAN: 'clamav', CLAMAV_SOCKET: '/run/clamav/clamd.ctl' };
    expect(loadConfig(unix).malwareScan).toMatchObject({ mode: 'clamav', socketPath: '/run/clamav/clamd.ctl' });
  });

  it('should name each malware-scan problem on one line', () => {
    expect(problemsOf({ MALWARE_SCAN: 'clamav' })).toEqual([
      expect.stringMatching(/^MALWARE_SCAN: clamav needs CLAMAV_HOST .* or CLAMAV_SOCKET/),
    ]);
    expect(problemsOf({ MALWARE_SCAN: 'clamav', CLAMAV_HOST: 'h', CLAMAV_SOCKET: '/s' })).toEqual([
      expect.stringMatching(/^CLAMAV_SOCKET: set either CLAMAV_HOST or CLAMAV_SOCKET/),
    ]);
    expect(problemsOf({ MALWARE_SCAN: 'yes', CLAMAV_PORT: '0', MALWARE_SCAN_TIMEOUT_SECONDS: '0' })).toEqual([
      expect.stringMatching(/^MALWARE_SCAN: must be one of off, clamav/),
      expect.stringMatching(/^CLAMAV_PORT: must be a whole number/),
      expect.stringMatching(/^MALWARE_SCAN_TIMEOUT_SECONDS: must be a whole number/),
    ]);
  });

  it('should allow no private webhook targets by default and read TENANT_WEBHOOK_ALLOW', () => {
    expect(loadConfig({}).tenantWebhooks).toEqual({ allow: [] });
    const allow = 'receiver.internal, 127.0.0.1,10.0.0.0/8,[::1]';
    expect(loadConfig({ TENANT_WEBHOOK_ALLOW: allow }).tenantWebhooks.allow).toEqual([
      'receiver.internal',
      '127.0.0.1',
      '10.0.0.0/8',
      '::1',
    ]);
    expect(problemsOf({ TENANT_WEBHOOK_ALLOW: '10.0.0.0/40,host:80' })).toEqual([
      'TENANT_WEBHOOK_ALLOW: "10.0.0.0/40" is not a host name, IP address or CIDR range',
      'TENANT_WEBHOOK_ALLOW: "host:80" is not a host name, IP address or CIDR range',
    ]);
  });

  it('should cap event streams per key and in all', () => {
    expect(loadConfig({}).eventStreams).toEqual({ perKey: 20, max: 500 });
    expect(loadConfig({ EVENT_STREAMS_PER_KEY: '3', EVENT_STREAMS_MAX: '9' }).eventStreams).toEqual({
      perKey: 3,
      max: 9,
    });
    expect(problemsOf({ EVENT_STREAMS_PER_KEY: '0', EVENT_STREAMS_MAX: 'many' })).toEqual([
      expect.stringMatching(/^EVENT_STREAMS_PER_KEY: must be a whole number/),
      expect.stringMatching(/^EVENT_STREAMS_MAX: must be a whole number/),
    ]);
  });
});
