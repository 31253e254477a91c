import {
  BigIntType,
  Entity,
  EntityRepositoryType,
  Enum,
  Index,
  ManyToOne,
  Opt,
  PrimaryKey,
  Property,
  Ref,
  Unique,
} from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Tenant } from '../tenants/tenant.entity';
import { UploadRepository } from './upload.repository';

export const UPLOAD_STATUSES = [
  'scheduled',
  'queued',
  'uploading',
  'processing',
  'inbox_delivered',
  'published',
  'failed',
  'cancelled',
] as const;
export type UploadStatus = (typeof UPLOAD_STATUSES)[number];
export const FINAL_STATUSES: readonly UploadStatus[] = ['inbox_delivered', 'published', 'failed', 'cancelled'];
export type UploadMode = 'inbox' | 'direct';
export type UploadSource = 'file' | 'url';
export const MEDIA_TYPES = ['video', 'photo'] as const;
export type UploadMediaType = (typeof MEDIA_TYPES)[number];

/**
 * One video on its way to TikTok. The row is the durable state machine: `initStartedAt` is written before an init
 * is sent and `publishId` right after, progress after every chunk (docs/lessons.md #6), so a restart resumes or ends it.
 */
@Entity({ repository: () => UploadRepository })
@Unique({ properties: ['tenant', 'userId', 'idempotencyKey'] })
@Index({ properties: ['tenant', 'userId', 'createdAt'] })
// The worker's scan: what is not final and due now.
@Index({ properties: ['status', 'nextActionAt'] })
// The read-back job's scan: published uploads whose post is still to be found (readback/share-url.job.ts).
@Index({ properties: ['status', 'readBackAt'] })
// An instance's files still on its disk (its own clean-up), and a gone instance's uploads.
@Index({ properties: ['mediaHolder', 'spoolPath'] })
export class Upload {
  [EntityRepositoryType]?: UploadRepository;

  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = randomUUID();

  @ManyToOne(() => Tenant, { ref: true, deleteRule: 'cascade' })
  tenant: Ref<Tenant>;

  @Property({ length: 128 })
  userId: string;

  @Property({ type: 'uuid' })
  @Index()
  connectionId: string;

  @Enum({ items: ['inbox', 'direct'] })
  mode: UploadMode;

  @Enum({ items: ['file', 'url'] })
  source: UploadSource;

  /** A video, or a photo post (carousel) that TikTok pulls image by image (docs/tiktok.md §5.4). */
  @Enum({ items: [...MEDIA_TYPES] })
  mediaType: UploadMediaType & Opt = 'video';

  @Enum({ items: [...UPLOAD_STATUSES] })
  status: UploadStatus & Opt = 'queued';

  @Property({ length: 200, nullable: true })
  idempotencyKey?: string;

  /** The caption and post settings, as the caller sent them (only direct posts send them to TikTok). */
  @Property({ type: 'json' })
  post: UploadPostSettings;

  @Property({ type: 'text', nullable: true })
  videoUrl?: string;

  @Property({ type: 'text', nullable: true, hidden: true })
  spoolPath?: string | null;

  /**
   * The INSTANCE_ID whose local disk holds the received bytes: only that instance sends them. Null when every
   * instance can reach the media (a videoUrl TikTok pulls).
   */
  @Property({ length: 64, nullable: true })
  mediaHolder?: string | null;

  @Property({ type: 'json', nullable: true })
  video?: UploadVideoInfo | null;

  /** The images of a photo post: the caller's URLs, or the files the gateway received and serves to TikTok. */
  @Property({ type: 'json', nullable: true })
  photos?: UploadPhotos | null;

  /** The malware scan of the received file (README "Malware scanning"): which scanner, its verdict and how long it took. */
  @Property({ type: 'json', nullable: true })
  malwareScan?: UploadMalwareScan | null;

  @Property({ type: new BigIntType('number'), nullable: true })
  chunkSize?: number | null;

  @Property({ type: 'integer', nullable: true })
  totalChunks?: number | null;

  @Property({ type: new BigIntType('number') })
  uploadedBytes: number & Opt = 0;

  @Property({ type: 'integer' })
  uploadedChunks: number & Opt = 0;

  @Property({ type: 'datetime', nullable: true })
  initStartedAt?: Date | null;

  @Property({ length: 64, nullable: true })
  @Index()
  publishId?: string | null;

  /** TikTok's upload URL carries an upload token: stored encrypted like the other tokens. */
  @Property({ type: 'text', nullable: true, hidden: true })
  uploadUrlCiphertext?: string | null;

  @Property({ length: 40, nullable: true })
  tiktokStatus?: string | null;

  @Property({ length: 100, nullable: true })
  failReason?: string | null;

  @Property({ type: 'json' })
  postIds: string[] & Opt = [];

  /**
   * The post's address on TikTok, read back with video/query or video/list once published (docs/design.md). Unique:
   * a post belongs to one upload, even when two uploads with the same caption look for theirs at once.
   */
  @Property({ type: 'text', nullable: true })
  @Unique()
  shareUrl?: string | null;

  /** When the next try to find the published post is due; null when none is pending. */
  @Property({ type: 'datetime', nullable: true })
  readBackAt?: Date | null;

  @Property({ type: 'integer' })
  readBackTries: number & Opt = 0;

  @Property({ type: 'json', nullable: true })
  error?: UploadErrorInfo | null;

  @Property({ type: 'integer' })
  attempts: number & Opt = 0;

  /** When a scheduled post starts (docs/design.md "Scheduled posts"); null for a post sent at once. */
  @Property({ type: 'datetime', nullable: true })
  publishAt?: Date | null;

  @Property({ type: 'datetime', nullable: true })
  nextActionAt?: Date | null;

  @Property({ type: 'datetime', nullable: true })
  leaseUntil?: Date | null;

  @Property({ length: 64, nullable: true })
  leaseOwner?: string | null;

  @Property()
  createdAt: Date & Opt = new Date();

  @Property({ onUpdate: () => new Date() })
  updatedAt: Date & Opt = new Date();
}

export interface UploadPostSettings {
  title?: string;
  description?: string;
  privacyLevel?: string;
  disableComment?: boolean;
  disableDuet?: boolean;
  disableStitch?: boolean;
  coverTimestampMs?: number;
  brandContent?: boolean;
  brandOrganic?: boolean;
  isAigc?: boolean;
  /** Photo posts: TikTok may add a recommended track (docs/tiktok.md §5.4). */
  autoAddMusic?: boolean;
}

/** What the API shows of an upload (dto/upload.mapping.ts); the status GET reads only these columns. */
export const UPLOAD_VIEW_FIELDS = [
  'id',
  'userId',
  'mode',
  'source',
  'mediaType',
  'status',
  'uploadedBytes',
  'uploadedChunks',
  'totalChunks',
  'publishId',
  'tiktokStatus',
  'failReason',
  'postIds',
  'shareUrl',
  'error',
  'video',
  'photos',
  'malwareScan',
  'publishAt',
  'createdAt',
  'updatedAt',
] as const satisfies readonly (keyof Upload)[];
export type UploadView = Pick<Upload, (typeof UPLOAD_VIEW_FIELDS)[number]>;

export interface UploadPhotos {
  count: number;
  coverIndex: number;
  /** The caller's URLs, in order; absent for received files, whose URLs carry their secret (see `urlsCiphertext`). */
  urls?: string[];
  /** Received files: the serving URLs, encrypted like TikTok's upload URL, and the stored objects. */
  urlsCiphertext?: string;
  files?: UploadPhotoFile[];
  /** When the received files were deleted (TikTok had pulled them, or the upload ended). */
  filesDeletedAt?: string;
}

export interface UploadPhotoFile {
  key: string;
  sizeBytes: number;
  format: 'jpeg' | 'webp';
  width: number;
  height: number;
}

/** TikTok downloads the media itself (a URL video, or any photo post): only such publishes can be cancelled (§6.3). */
export function isPulledByTikTok(upload: Pick<Upload, 'source' | 'mediaType'>): boolean {
  return upload.source === 'url' || upload.mediaType === 'photo';
}

export interface UploadVideoInfo {
  sizeBytes: number;
  container: string;
  codec: string;
  width: number | null;
  height: number | null;
  frameRate: number | null;
  durationMs: number | null;
}

export interface UploadMalwareScan {
  scanner: 'clamav' | 'off';
  clean: boolean;
  durationMs: number;
  scannedAt: string;
}

export interface UploadErrorInfo {
  code: string;
  message: string;
  tiktokCode?: string;
  logId?: string;
}
