import type { Hash } from 'node:crypto';
import type { RequestRecord } from './sandbox-http';
import type { ImageFormat } from './image-sniffer';
import type { MediaSniffer } from './media-sniffer';
import type { ScenarioAccount } from './scenario-accounts';

export interface Violation {
  rule: string;
  message: string;
  error: { status: number; code: string; message: string };
  method: string;
  path: string;
  time: number;
}

export interface PendingConsent {
  id: string;
  redirectUri: string;
  state: string;
  scopes: string[];
  codeChallenge: string;
  expiresAt: number;
}

export interface AuthCode {
  code: string;
  redirectUri: string;
  codeChallenge: string;
  openId: string;
  scopes: string[];
  expiresAt: number;
  used: boolean;
}

export interface TokenFamily {
  id: string;
  openId: string;
  scopes: string[];
  /** Fixed at the first issuance: a refresh does not extend it (docs/tiktok.md §3.4). */
  refreshExpiresAt: number;
  currentRefreshToken: string;
  revoked: boolean;
}

export interface AccessTokenRecord {
  token: string;
  familyId: string;
  expiresAt: number;
}

export type PublishKind = 'inbox' | 'direct';
export type PublishMediaType = 'VIDEO' | 'PHOTO';
export type PublishSource = 'FILE_UPLOAD' | 'PULL_FROM_URL';
export type PublishStatus =
  'PROCESSING_UPLOAD' | 'PROCESSING_DOWNLOAD' | 'SEND_TO_USER_INBOX' | 'PUBLISH_COMPLETE' | 'FAILED';

export interface UploadTask {
  uploadId: string;
  uploadToken: string;
  videoSize: number;
  chunkSize: number;
  totalChunks: number;
  receivedBytes: number;
  acceptedChunks: number;
  expiresAt: number;
  putCount: number;
  /** SHA-256 over the accepted chunks' bytes in order; tests compare it with the file they sent. */
  digest?: Hash;
}

export interface PullTask {
  /** Over all images of a photo post. */
  downloadedBytes: number;
  downloading: boolean;
  abort: AbortController;
}

/** One image of a photo post, as the pull found it. */
export interface PulledImage {
  url: string;
  fetched: boolean;
  bytes: number;
  format?: ImageFormat;
  width?: number;
  height?: number;
  failReason?: string;
}

export interface Publish {
  publishId: string;
  openId: string;
  kind: PublishKind;
  mediaType: PublishMediaType;
  /** The init request's JSON body as received, for tests to assert what the client sent. */
  initBody: Record<string, unknown>;
  source: PublishSource;
  status: PublishStatus;
  failReason?: string;
  privacyLevel?: string;
  createdAt: number;
  /** When processing ends; set once all bytes arrived. */
  processingDoneAt?: number;
  postIds: bigint[];
  upload?: UploadTask;
  pull?: PullTask;
  images?: PulledImage[];
  media: MediaSniffer;
  /** Control API: the next observation of this publish is FAILED with this reason. */
  failNextObservation?: string;
  /** Control API: processing ends FAILED with this reason. */
  failAtEnd?: string;
  statusFetches: number;
  timer?: NodeJS.Timeout;
}

/** A post on the creator's profile, as video/list and video/query read it (docs/tiktok.md §5.6). */
export interface SandboxPost {
  id: bigint;
  openId: string;
  mediaType: PublishMediaType;
  createTimeMs: number;
  privacyLevel: string;
  title: string;
  description: string;
  durationSec: number;
  width: number;
  height: number;
  isAigc: boolean;
  likeCount: number;
  commentCount: number;
  shareCount: number;
  /** int64: may exceed 2^53. */
  viewCount: bigint;
}

export type ChunkFaultMode = 'status' | 'drop' | 'drop_after_accept';

export interface Faults {
  chunkPuts: { remaining: number; mode: ChunkFaultMode; status: number };
  inits429: number;
  statusFetches429: number;
  latencyMs: number;
  /** Extra time before the token endpoint answers (on top of latencyMs), to make OAuth callbacks overlap. */
  tokenDelayMs: number;
  failNextPublish?: string;
}

export interface InitRecord {
  openId: string;
  kind: PublishKind;
  /** Same video_size or video_url: the likely same video initialised again. */
  sourceKey: string;
  publishId: string;
  time: number;
}

function emptyFaults(): Faults {
  return {
    chunkPuts: { remaining: 0, mode: 'status', status: 500 },
    inits429: 0,
    statusFetches429: 0,
    latencyMs: 0,
    tokenDelayMs: 0,
  };
}

export class SandboxState {
  consents = new Map<string, PendingConsent>();
  codes = new Map<string, AuthCode>();
  families = new Map<string, TokenFamily>();
  accessTokens = new Map<string, AccessTokenRecord>();
  /** Every refresh token ever issued, so reuse of a rotated one is detected (§3.4). */
  refreshTokens = new Map<string, string>();
  publishes = new Map<string, Publish>();
  uploads = new Map<string, Publish>();
  rateWindows = new Map<string, number[]>();
  violations: Violation[] = [];
  requests: RequestRecord[] = [];
  inits: InitRecord[] = [];
  /** Posts made through the sandbox; scenario accounts add their seeded ones (sandbox-posts.ts). */
  posts: SandboxPost[] = [];
  faults: Faults = emptyFaults();
  refreshTokenReused = false;
  /** Settings a test changed since connecting (the creator made the account private, ...), by open_id. */
  accountChanges = new Map<string, AccountChange>();

  reset(): void {
    for (const publish of this.publishes.values()) {
      clearTimeout(publish.timer);
      publish.pull?.abort.abort();
    }
    this.consents.clear();
    this.codes.clear();
    this.families.clear();
    this.accessTokens.clear();
    this.refreshTokens.clear();
    this.publishes.clear();
    this.uploads.clear();
    this.rateWindows.clear();
    this.violations = [];
    this.requests = [];
    this.inits = [];
    this.posts = [];
    this.accountChanges.clear();
    this.faults = emptyFaults();
    this.refreshTokenReused = false;
  }
}

/** The creator settings a test may change on a scenario account while it is connected. */
export type AccountChange = Partial<Pick<ScenarioAccount, 'privateAccount' | 'maxVideoPostDurationSec'>>;
