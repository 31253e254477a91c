import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { MAX_CHUNK_BYTES, MAX_VIDEO_BYTES, MIN_CHUNK_BYTES } from '../tiktok-api/tiktok-limits';
import { parseKeyRing } from '../common/crypto/token-cipher';
import { parseWebhookAllowList } from '../common/net/webhook-target-policy';
import { AppConfig, Env } from './app-config';
import { parseRange } from '../common/net/ip-address';
import {
  isLoopbackHostName as isLoopbackHost,
  isVerifiedMediaUrl,
  parseVerifiedMediaUrls,
  pullableUrl,
} from '../common/net/media-url-rules';

/** UPLOAD_CHUNK_BYTES when unset: ten chunks per 100 MB, well inside TikTok's bounds (docs/tiktok.md §6.1). */
export const DEFAULT_CHUNK_BYTES = 10_000_000;

/** Where the gateway serves received photos to TikTok, under MEDIA_PUBLIC_URL (src/uploads/photos/). */
export const PHOTO_MEDIA_PATH = '/media/photos/';

/** The placeholders .env.example ships with; live mode refuses them. */
export const PLACEHOLDER_MARKER = 'change-me';
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `- ${p}`).join('\n')}`);
  }
}

/** Reads and validates every variable (README "Configuration") at once, so a bad start lists all problems, one line each. */
export function loadConfig(env: Env): AppConfig {
  const problems: string[] = [];
  const read = new EnvReader(env, problems);

  const mode = read.oneOf('TIKTOK_MODE', ['sandbox', 'live'] as const, 'sandbox');
  const live = mode === 'live';
  const port = read.integer('PORT', 3000, 0, 65535);
  const publicUrl = read.url('PUBLIC_URL', `http://localhost:${port}`).replace(/\/+$/, '');
  const sandboxPort = read.integer('TIKTOK_SANDBOX_PORT', 3001, 0, 65535);
  const sandboxHost = `http://127.0.0.1:${sandboxPort}`;

  const config: AppConfig = {
    app: {
      port,
      ...edgeConfig(read, problems),
      publicUrl,
      adminApiKey: read.secret('ADMIN_API_KEY', live, 24),
      logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
      shutdownGraceSeconds: read.integer('SHUTDOWN_GRACE_SECONDS', 25, 1, 3600),
    },
    db: {
      ...databaseConfig(read.string('DATABASE_URL', 'sqlite:data/tiktok-gateway.sqlite'), problems),
      migrateOnStart: read.boolean('DATABASE_MIGRATE_ON_START', true),
    },
    redis: { url: read.optionalUrl('REDIS_URL', ['redis:', 'rediss:']) },
    crypto: { tokenEncryptionKeys: read.keyRing('TOKEN_ENCRYPTION_KEYS', live) },
    tiktok: {
      mode,
      sandboxPort,
      clientKey: read.secret('TIKTOK_CLIENT_KEY', live, 1),
      clientSecret: read.secret('TIKTOK_CLIENT_SECRET', live, 1),
      redirectUri: read.url('TIKTOK_REDIRECT_URI', `${publicUrl}/api/auth/tiktok/callback`),
      scopes: read.list('TIKTOK_SCOPES', 'user.info.basic,video.upload,video.publish'),
      authUrl: read.tiktokUrl('TIKTOK_AUTH_URL', live ? 'https://www.tiktok.com/v2/auth/authorize/' : undefined, live),
      apiBaseUrl: read.tiktokUrl('TIKTOK_API_BASE_URL', live ? 'https://open.tiktokapis.com' : undefined, live),
      pkceEncoding: read.oneOf('TIKTOK_PKCE_ENCODING', ['hex', 'base64url'] as const, 'hex'),
      webhookToleranceSeconds: read.integer('TIKTOK_WEBHOOK_TOLERANCE_SECONDS', 300, 1, 86_400),
    },
    uploads: {
      spoolDir: read.string('UPLOAD_SPOOL_DIR', 'data/spool'),
      maxBytes: read.integer('UPLOAD_MAX_BYTES', MAX_VIDEO_BYTES, 1, MAX_VIDEO_BYTES),
      chunkBytes: read.integer('UPLOAD_CHUNK_BYTES', DEFAULT_CHUNK_BYTES, MIN_CHUNK_BYTES, MAX_CHUNK_BYTES),
      scheduleMaxDays: read.integer('SCHEDULE_MAX_DAYS', 30, 1, 365),
    },
    instance: {
      id: instanceId(read.string('INSTANCE_ID', hostname()), problems),
      goneAfterSeconds: read.integer('INSTANCE_GONE_AFTER_SECONDS', 600, 3, 7 * 86_400),
    },
    tokens: {
      refreshLeadSeconds: read.integer('TOKEN_REFRESH_LEAD_SECONDS', 1800, 0, 86_400 * 30),
      refreshIntervalSeconds: read.integer('TOKEN_REFRESH_INTERVAL_SECONDS', 60, 1, 86_400),
    },
    rateLimits: {
      apiPerMinute: read.integer('RATE_LIMIT_API_PER_MINUTE', 600, 1, 1_000_000),
      uploadsPerMinute: read.integer('RATE_LIMIT_UPLOADS_PER_MINUTE', 30, 1, 1_000_000),
      publicPerMinute: read.integer('RATE_LIMIT_PUBLIC_PER_MINUTE', 120, 1, 1_000_000),
      webhooksPerMinute: read.integer('RATE_LIMIT_WEBHOOKS_PER_MINUTE', 600, 1, 1_000_000),
      authFailuresPerWindow: read.integer('AUTH_FAILURES_PER_WINDOW', 20, 1, 1_000_000),
      authFailureWindowSeconds: read.integer('AUTH_FAILURE_WINDOW_SECONDS', 300, 1, 86_400),
    },
    malwareScan: malwareScanConfig(read, problems),
    tenantWebhooks: { allow: webhookAllowList(read, problems) },
    eventStreams: {
      perKey: read.integer('EVENT_STREAMS_PER_KEY', 20, 1, 100_000),
      max: read.integer('EVENT_STREAMS_MAX', 500, 1, 1_000_000),
    },
    uploadIntake: uploadIntakeConfig(read),
    storage: storageConfig(read, problems),
    media: mediaConfig(read, problems),
  };
  // In sandbox mode the TikTok URLs point at the built-in emulator unless set explicitly.
  config.tiktok.authUrl ||= `http://localhost:${sandboxPort}/v2/auth/authorize/`;
  config.tiktok.apiBaseUrl ||= sandboxHost;

  if (problems.length > 0) throw new ConfigValidationError(problems);
  return config;
}

function databaseConfig(url: string, problems: string[]): Pick<AppConfig['db'], 'url' | 'driver'> {
  if (url.startsWith('sqlite:')) {
    if (url.length === 'sqlite:'.length)
      problems.push('DATABASE_URL: sqlite: needs a file path, e.g. sqlite:data/db.sqlite');
    return { url, driver: 'sqlite' };
  }
  if (/^postgres(ql)?:\/\/[^/]+\/[^/?]+/.test(url)) return { url, driver: 'postgresql' };
  problems.push('DATABASE_URL: must be sqlite:<path> or postgres://user:pass@host:port/db');
  return { url, driver: 'sqlite' };
}

/** Short enough for a lease owner (`<id>#<12 hex>`, 64 characters) and safe in logs and metrics. */
function instanceId(id: string, problems: string[]): string {
  if (!/^[A-Za-z0-9._-]{1,50}$/.test(id)) {
    problems.push(
      `INSTANCE_ID: must be 1 to 50 characters of A-Z a-z 0-9 . _ - (the host name is the default), got "${id}"`,
    );
  }
  return id;
}

function malwareScanConfig(read: EnvReader, problems: string[]): AppConfig['malwareScan'] {
  const config: AppConfig['malwareScan'] = {
    mode: read.oneOf('MALWARE_SCAN', ['off', 'clamav'] as const, 'off'),
    host: read.optionalString('CLAMAV_HOST'),
    port: read.integer('CLAMAV_PORT', 3310, 1, 65535),
    socketPath: read.optionalString('CLAMAV_SOCKET'),
    timeoutSeconds: read.integer('MALWARE_SCAN_TIMEOUT_SECONDS', 60, 1, 3600),
  };
  if (config.mode === 'clamav' && !config.host && !config.socketPath) {
    problems.push('MALWARE_SCAN: clamav needs CLAMAV_HOST (with CLAMAV_PORT) or CLAMAV_SOCKET');
  } else if (config.host && config.socketPath) {
    problems.push('CLAMAV_SOCKET: set either CLAMAV_HOST or CLAMAV_SOCKET, not both');
  }
  return config;
}

/** Hosts, addresses and ranges tenant webhooks may reach although they are not public (see WebhookTargetPolicy). */
function webhookAllowList(read: EnvReader, problems: string[]): string[] {
  const parsed = parseWebhookAllowList(read.optionalString('TENANT_WEBHOOK_ALLOW'));
  problems.push(...parsed.problems.map((problem) => `TENANT_WEBHOOK_ALLOW: ${problem}`));
  return parsed.entries;
}

/** Caps on multipart intakes being received at once, and the disk the spool must keep free. */
function uploadIntakeConfig(read: EnvReader): AppConfig['uploadIntake'] {
  return {
    maxConcurrentPerKey: read.integer('UPLOAD_MAX_CONCURRENT_PER_KEY', 4, 1, 100_000),
    maxConcurrent: read.integer('UPLOAD_MAX_CONCURRENT', 16, 1, 100_000),
    minFreeBytes: read.integer('UPLOAD_MIN_FREE_BYTES', 1_073_741_824, 0, Number.MAX_SAFE_INTEGER),
  };
}

/** HOST and TRUST_PROXY: where the server listens and which proxies' X-Forwarded-For it believes. */
function edgeConfig(read: EnvReader, problems: string[]): Pick<AppConfig['app'], 'host' | 'trustProxy'> {
  const host = read.optionalString('HOST');
  if (host !== undefined && !isIP(host) && !HOST_NAME.test(host)) {
    problems.push(`HOST: must be an IP address or a host name (e.g. 127.0.0.1 or ::), got "${host}"`);
  }
  return { host, trustProxy: trustProxyValue(read.optionalString('TRUST_PROXY'), problems) };
}

const HOST_NAME = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const TRUST_PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** Express's `trust proxy` forms: true/false, a hop count, or addresses, CIDR ranges and Express's names. */
function trustProxyValue(value: string | undefined, problems: string[]): boolean | number | string | undefined {
  if (value === undefined) return undefined;
  if (value === 'true' || value === 'false') return value === 'true';
  if (/^\d+$/.test(value)) return Number(value);
  const items = value.split(',').map((item) => item.trim());
  const bad = items.filter((item) => !TRUST_PROXY_NAMES.includes(item) && parseRange(item) === undefined);
  if (bad.length > 0) {
    problems.push(
      `TRUST_PROXY: must be true, a hop count, or comma-separated addresses, CIDR ranges or ${TRUST_PROXY_NAMES.join('/')}; not "${bad.join(', ')}"`,
    );
  }
  return items.join(',');
}

function storageConfig(read: EnvReader, problems: string[]): AppConfig['storage'] {
  const kind = read.oneOf('UPLOAD_STORAGE', ['local', 's3'] as const, 'local');
  const bucket = read.optionalString('S3_BUCKET');
  if (kind === 's3' && !bucket) problems.push('S3_BUCKET: is required when UPLOAD_STORAGE=s3');
  if (bucket && !/^[A-Za-z0-9][A-Za-z0-9._-]{1,253}[A-Za-z0-9]$/.test(bucket)) {
    problems.push('S3_BUCKET: must be a bucket name (3 or more letters, digits, ".", "_" or "-")');
  }
  return {
    kind,
    s3: {
      bucket: bucket ?? '',
      endpoint: read.optionalUrl('S3_ENDPOINT', ['http:', 'https:']),
      region: read.string('S3_REGION', 'us-east-1'),
      forcePathStyle: read.boolean('S3_FORCE_PATH_STYLE', false),
    },
  };
}

/**
 * TIKTOK_VERIFIED_URL_PREFIXES and MEDIA_PUBLIC_URL (docs/tiktok.md §6.3): what TikTok will pull, and where it pulls
 * the photos this gateway received. The photo route must lie under the verified list when both are set.
 */
function mediaConfig(read: EnvReader, problems: string[]): AppConfig['media'] {
  const parsed = parseVerifiedMediaUrls(read.optionalString('TIKTOK_VERIFIED_URL_PREFIXES'));
  problems.push(...parsed.problems.map((problem) => `TIKTOK_VERIFIED_URL_PREFIXES: ${problem}`));
  const publicUrl = read.optionalString('MEDIA_PUBLIC_URL')?.replace(/\/+$/, '');
  if (publicUrl !== undefined) {
    const url = pullableUrl(publicUrl);
    if (!url || url.search || url.hash) {
      problems.push('MEDIA_PUBLIC_URL: must be an https URL without query (http only on loopback hosts)');
    } else if (parsed.verified && !isVerifiedMediaUrl(`${publicUrl}${PHOTO_MEDIA_PATH}`, parsed.verified)) {
      problems.push(`MEDIA_PUBLIC_URL: ${publicUrl}${PHOTO_MEDIA_PATH} is not under TIKTOK_VERIFIED_URL_PREFIXES`);
    }
  }
  return { verifiedUrls: parsed.verified, publicUrl };
}

class EnvReader {
  constructor(
    private readonly env: Env,
    private readonly problems: string[],
  ) {}

  private raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === '' ? undefined : value;
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  optionalString(name: string): string | undefined {
    return this.raw(name);
  }

  list(name: string, fallback: string): string[] {
    const items = this.string(name, fallback)
      .split(',')
      .map((s) => s.trim());
    if (items.some((s) => s === '' || /\s/.test(s))) this.problems.push(`${name}: must be a comma-separated list`);
    return items.filter(Boolean);
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) {
      this.problems.push(`${name}: must be a whole number from ${min} to ${max}, got "${value}"`);
      return fallback;
    }
    return n;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
    this.problems.push(`${name}: must be true or false, got "${value}"`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!allowed.includes(value as T)) {
      this.problems.push(`${name}: must be one of ${allowed.join(', ')}, got "${value}"`);
      return fallback;
    }
    return value as T;
  }

  url(name: string, fallback: string): string {
    const value = this.raw(name) ?? fallback;
    if (!isHttpUrl(value)) this.problems.push(`${name}: must be an absolute http(s) URL`);
    return value;
  }

  optionalUrl(name: string, protocols: string[]): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (!protocols.includes(safeUrl(value)?.protocol ?? '')) {
      this.problems.push(`${name}: must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);
    }
    return value;
  }

  /** TikTok URLs must be https in live mode, except on loopback hosts (README "Configuration"). */
  tiktokUrl(name: string, fallback: string | undefined, live: boolean): string {
    const value = this.raw(name) ?? fallback;
    if (value === undefined) return '';
    const url = safeUrl(value);
    if (!url || !['http:', 'https:'].includes(url.protocol)) {
      this.problems.push(`${name}: must be an absolute http(s) URL`);
    } else if (live && url.protocol !== 'https:' && !isLoopbackHost(url.hostname)) {
      this.problems.push(`${name}: must use https in live mode (http is allowed only on loopback hosts)`);
    }
    return value;
  }

  secret(name: string, required: boolean, minLength: number): string {
    const value = this.raw(name);
    if (value === undefined) {
      if (required) this.problems.push(`${name}: is required in live mode`);
      return '';
    }
    if (required && value.includes(PLACEHOLDER_MARKER)) {
      this.problems.push(`${name}: still holds the .env.example placeholder; set a real value`);
    } else if (required && value.startsWith('sbx_')) {
      this.problems.push(`${name}: holds a sandbox preset value, which live mode refuses`);
    } else if (value.length < minLength) {
      this.problems.push(`${name}: must be at least ${minLength} characters`);
    }
    return value;
  }

  keyRing(name: string, required: boolean): string {
    const value = this.raw(name);
    if (value === undefined) {
      if (required) this.problems.push(`${name}: is required in live mode (kid:base64key, 32-byte keys)`);
      return '';
    }
    // The cipher's own parser, so config refuses exactly what would fail later (its messages never quote a key).
    try {
      parseKeyRing(value);
    } catch (error) {
      this.problems.push(`${name}: ${(error as Error).message}`);
      return value;
    }
    if (required && value.includes(PLACEHOLDER_MARKER)) {
      this.problems.push(`${name}: still holds the .env.example placeholder; set a real value`);
    } else if (required && value.includes('AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=')) {
      this.problems.push(`${name}: holds the test preset key, which live mode refuses`);
    }
    return value;
  }
}

function safeUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

function isHttpUrl(value: string): boolean {
  const protocol = safeUrl(value)?.protocol;
  return protocol === 'http:' || protocol === 'https:';
}
