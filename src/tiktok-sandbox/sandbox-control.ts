import type {
  ChunkFaultMode,
  PublishKind,
  PublishMediaType,
  PublishSource,
  PublishStatus,
  PulledImage,
  Violation,
} from './sandbox-state';
import type { RequestRecord } from './sandbox-http';
import type { WebhookDelivery } from './sandbox-webhooks';
import { SCENARIO_ACCOUNTS, type SandboxAccountName, type ScenarioAccount } from './scenario-accounts';

export { SCENARIO_ACCOUNTS, type SandboxAccountName, type ScenarioAccount };
export { fingerprintToken } from './sandbox-http';
export { signTikTokWebhook } from './sandbox-webhooks';
export type { ChunkFaultMode, PulledImage, RequestRecord, Violation, WebhookDelivery };

/** Scenario accounts by name, for tests: `SANDBOX_ACCOUNTS.capped_creator.openId`. */
export const SANDBOX_ACCOUNTS = Object.fromEntries(SCENARIO_ACCOUNTS.map((a) => [a.name, a])) as Record<
  SandboxAccountName,
  ScenarioAccount
>;

export interface PublishSummary {
  publishId: string;
  openId: string;
  kind: PublishKind;
  mediaType: PublishMediaType;
  source: PublishSource;
  /** The init request's JSON body as the sandbox received it. */
  initBody: Record<string, unknown>;
  /** Photo posts: each image in photo_images order, whether the pull fetched it and what its bytes are. */
  images?: PulledImage[];
  status: PublishStatus;
  failReason?: string;
  /** int64 ids as exact decimal strings. */
  postIds: string[];
  uploadedBytes?: number;
  downloadedBytes?: number;
  putCount: number;
  /** Hex SHA-256 of the bytes of the accepted chunk PUTs, in order (a file upload with at least one chunk in). */
  receivedSha256?: string;
  statusFetches: number;
  createdAt: number;
}

/** A post on a profile (seeded or made through the sandbox), int64 values as exact decimal strings. */
export interface PostSummary {
  id: string;
  openId: string;
  mediaType: PublishMediaType;
  createTimeMs: number;
  privacyLevel: string;
  title: string;
  description: string;
  viewCount: string;
}

export interface InitGroup {
  openId: string;
  kind: PublishKind;
  /** `size:<video_size>` or `url:<video_url>`: more than one init per group hints at a duplicate post. */
  sourceKey: string;
  count: number;
  publishIds: string[];
}

export interface SandboxStats {
  requestCount: number;
  violationCount: number;
  refreshTokenReused: boolean;
  inits: InitGroup[];
}

/** Typed client of the sandbox's `/sandbox/` control API. */
export class SandboxControl {
  constructor(private readonly baseUrl: string) {}

  reset = () => this.post<{ ok: true }>('reset');
  accounts = () => this.get<ScenarioAccount[]>('accounts');
  failNextChunkPuts = (count: number, mode: ChunkFaultMode = 'status', status = 500) =>
    this.post<{ ok: true }>('faults/chunk-puts', { count, mode, status });
  rateLimitNextInits = (count: number) => this.post<{ ok: true }>('faults/inits', { count });
  rateLimitNextStatusFetches = (count: number) => this.post<{ ok: true }>('faults/status-fetches', { count });
  setLatency = (delayMs: number) => this.post<{ ok: true }>('faults/latency', { delayMs });
  /** Holds every POST /v2/oauth/token/ this long before it is judged and answered (other routes keep their pace). */
  setTokenDelay = (delayMs: number) => this.post<{ ok: true }>('faults/token-delay', { delayMs });
  expireAccessToken = (accessToken: string) => this.post<{ expired: number }>('tokens/expire', { accessToken });
  expireUserAccessTokens = (openId: string) => this.post<{ expired: number }>('tokens/expire', { openId });
  expireUploadUrls = (publishId?: string) => this.post<{ expired: number }>('uploads/expire', { publishId });
  /** With a publishId: its next status is FAILED; without: the next publish ends FAILED after processing. */
  failPublish = (reason: string, publishId?: string) =>
    this.post<{ ok: true }>('publishes/fail', { reason, publishId });
  /** The creator posted the inbox draft in the app. */
  completeInboxPublish = (publishId: string, postCount = 1) =>
    this.post<PublishSummary>('publishes/complete', { publishId, postCount });
  /** The user removed the app in TikTok (authorization.removed, reason 1 by default). */
  removeAuthorization = (openId: string, reason = 1) =>
    this.post<{ revoked: number }>('authorizations/remove', { openId, reason });
  /** The creator changed a setting in the app (e.g. made the account private: other privacy options). */
  changeAccountSettings = (openId: string, change: { privateAccount?: boolean; maxVideoPostDurationSec?: number }) =>
    this.post<{ ok: true }>('accounts/settings', { openId, ...change });
  setWebhookUrl = (url: string | undefined) => this.post<{ ok: true }>('webhook', { url: url ?? null });
  requests = () => this.get<RequestRecord[]>('requests');
  violations = () => this.get<Violation[]>('violations');
  publishes = () => this.get<PublishSummary[]>('publishes');
  /** Every post on every profile, seeded ones included, newest first; video/list shows only the public ones. */
  posts = () => this.get<PostSummary[]>('posts');
  webhookDeliveries = () => this.get<WebhookDelivery[]>('webhooks/deliveries');
  stats = () => this.get<SandboxStats>('stats');

  private async get<T>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }

  private async post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.call<T>('POST', path, body);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl.replace(/\/$/, '')}/sandbox/${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`sandbox control ${method} ${path}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  }
}
