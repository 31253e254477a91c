import type { VerifiedMediaUrls } from '../common/net/media-url-rules';

/** The validated, typed configuration; one namespace per concern. */
export interface AppConfig {
  app: {
    port: number;
    /** Address the HTTP server binds; unset binds all interfaces. */
    host?: string;
    /** Express's `trust proxy` value; unset trusts no X-Forwarded-For. */
    trustProxy?: boolean | number | string;
    publicUrl: string;
    adminApiKey: string;
    logLevel: string;
    /** After SIGTERM: the longest wait for work in flight before the process exits anyway. */
    shutdownGraceSeconds: number;
  };
  db: {
    url: string;
    driver: 'sqlite' | 'postgresql';
    /** Apply pending migrations at start (under a lock); false leaves them to `npm run db:migrate`. */
    migrateOnStart: boolean;
  };
  redis: { url?: string };
  crypto: { tokenEncryptionKeys: string };
  tiktok: {
    mode: 'sandbox' | 'live';
    sandboxPort: number;
    clientKey: string;
    clientSecret: string;
    redirectUri: string;
    scopes: string[];
    authUrl: string;
    apiBaseUrl: string;
    pkceEncoding: 'hex' | 'base64url';
    webhookToleranceSeconds: number;
  };
  uploads: {
    spoolDir: string;
    maxBytes: number;
    chunkBytes: number;
    /** The furthest `publishAt` accepted, in days from now. */
    scheduleMaxDays: number;
  };
  instance: {
    /** Names this instance in leases and in uploads whose bytes are on its local disk. */
    id: string;
    /** An instance silent this long is gone: its uploads waiting to be sent fail with media_unreachable. */
    goneAfterSeconds: number;
  };
  tokens: {
    refreshLeadSeconds: number;
    refreshIntervalSeconds: number;
  };
  rateLimits: {
    apiPerMinute: number;
    uploadsPerMinute: number;
    publicPerMinute: number;
    webhooksPerMinute: number;
    /** Wrong API or admin keys one source address may send per window before it gets 429. */
    authFailuresPerWindow: number;
    authFailureWindowSeconds: number;
  };
  malwareScan: {
    mode: 'off' | 'clamav';
    /** clamd over TCP (`host`, `port`) or a unix socket (`socketPath`); exactly one in clamav mode. */
    host?: string;
    port: number;
    socketPath?: string;
    timeoutSeconds: number;
  };
  tenantWebhooks: {
    /** TENANT_WEBHOOK_ALLOW, normalised: host names, IP addresses and CIDR ranges. */
    allow: string[];
  };
  eventStreams: {
    /** Open upload event streams per API key, and in all, on one instance. */
    perKey: number;
    max: number;
  };
  uploadIntake: {
    /** Multipart uploads one API key may have in progress at once (429 beyond). */
    maxConcurrentPerKey: number;
    /** Multipart uploads in progress at once on this instance (503 beyond). */
    maxConcurrent: number;
    /** Free bytes the spool's file system must keep after the declared body (503 below). */
    minFreeBytes: number;
  };
  /** Where received media wait; `local` is the UPLOAD_SPOOL_DIR folder (uploads.spoolDir). */
  storage: {
    kind: 'local' | 's3';
    s3: {
      bucket: string;
      /** Unset: AWS's endpoint for the region. */
      endpoint?: string;
      region: string;
      forcePathStyle: boolean;
    };
  };
  media: {
    /** TIKTOK_VERIFIED_URL_PREFIXES; unset, any https URL goes to TikTok, which decides (docs/tiktok.md §6.3). */
    verifiedUrls?: VerifiedMediaUrls;
    /** MEDIA_PUBLIC_URL without a trailing slash; unset, photo posts take URLs only. */
    publicUrl?: string;
  };
}

export type Env = Record<string, string | undefined>;
