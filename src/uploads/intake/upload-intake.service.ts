import { EntityManager, UniqueConstraintViolationException } from '@mikro-orm/core';
import { InjectRepository } from '@mikro-orm/nestjs';
import { HttpStatus, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AuthenticatedTenant } from '../../common/auth/authenticated-tenant';
import { AppError, ValidationFailedError } from '../../common/errors/app-error';
import { AppConfig } from '../../config/app-config';
import { MalwareScanner } from '../../malware-scan/malware-scanner';
import { MediaStorage } from '../../storage/media-storage';
import { RateLimiter } from '../../rate-limits/rate-limiter';
import { Tenant } from '../../tenants/tenant.entity';
import { TikTokApiClient } from '../../tiktok-api/tiktok-api.client';
import { TokensService } from '../../tokens/tokens.service';
import { planChunks } from '../delivery/chunk-plan';
import { checkDirectPost, checkDirectPostFields } from '../rules/direct-post-rules';
import { checkMediaUrl } from '../rules/media-urls';
import { PublishScheduleService } from '../schedule/publish-schedule.service';
import { UploadStateService } from '../upload-state.service';
import { CreateUploadDto } from '../dto/create-upload.dto';
import { UploadResponse } from '../dto/upload.response';
import { validIdempotencyKey } from './idempotency-key';
import { PendingVideo, SpooledFile } from './multipart-intake';
import { ActiveSpoolFiles, mediaKeyOf, newSpoolKey, spoolPathOf } from './spool-files';

import { Upload, UploadMalwareScan, UploadVideoInfo } from '../upload.entity';
import { UploadRepository } from '../upload.repository';
import { UploadDeliveryJob } from '../delivery/upload-delivery.job';
import { uploadsRejectedTotal } from '../uploads.metrics';
import { probeStoredVideo } from '../video/video-probe';
import { assertVideoAccepted, videoLimitsFor } from '../video/video-rules';
import { toUploadResponse } from '../dto/upload.mapping';

interface Prepared {
  dto: CreateUploadDto;
  connectionId: string;
  existing?: UploadResponse;
  /** Set for a scheduled post: it waits in `scheduled`, and nothing of it reaches TikTok before this time. */
  publishAt?: Date;
}

const REQUIRED_SCOPE = { inbox: 'video.upload', direct: 'video.publish' } as const;

/**
 * `POST /api/tiktok/upload`: everything a request must pass before it becomes a queued (or scheduled) upload — fields,
 * the user's connection and scope, the per-user limit, the idempotency key, the file's own bytes, and for direct posts
 * the creator's current limits (for a scheduled one, when it starts). Nothing reaches TikTok's posting API from here, and nothing is left behind on refusal.
 */
@Injectable()
export class UploadIntakeService {
  constructor(
    private readonly em: EntityManager,
    @InjectRepository(Upload) private readonly uploads: UploadRepository,
    private readonly tokens: TokensService,
    private readonly tiktok: TikTokApiClient,
    private readonly rateLimiter: RateLimiter,
    private readonly worker: UploadDeliveryJob,
    private readonly scanner: MalwareScanner,
    private readonly config: ConfigService<AppConfig, true>,
    private readonly activeSpool: ActiveSpoolFiles,
    private readonly storage: MediaStorage,
    private readonly schedule: PublishScheduleService,
    private readonly state: UploadStateService,
  ) {}

  /**
   * `video` is the unread file of a multipart form (UploadIntakeInterceptor), undefined for JSON; `dto` has passed
   * the ValidationPipe, and the interceptor has refused a malformed Idempotency-Key before anything was read.
   */
  async createUpload(
    caller: AuthenticatedTenant,
    dto: CreateUploadDto,
    video: PendingVideo | undefined,
    idempotencyKey?: string,
  ): Promise<UploadResponse> {
    const key = validIdempotencyKey(idempotencyKey);
    if (!video) return this.createFromUrl(caller, dto, key);
    return this.createFromMultipart(caller, dto, video, key);
  }

  private async createFromMultipart(
    caller: AuthenticatedTenant,
    dto: CreateUploadDto,
    video: PendingVideo,
    key?: string,
  ): Promise<UploadResponse> {
    // The checks come before a byte of the file is stored; a replay reads past it.
    const prepared = await this.prepare(caller, dto, key);
    if (prepared.existing) {
      await video.discard();
      return prepared.existing;
    }
    // Until the row naming it is stored (or it is removed), the object is this intake's: the sweep leaves it alone.
    const mediaKey = newSpoolKey();
    this.activeSpool.add(mediaKey);
    try {
      const file = await video.store(mediaKey);
      return await this.acceptFile(caller, prepared, file, key);
    } catch (error) {
      await this.storage.delete(mediaKey);
      throw error;
    } finally {
      this.activeSpool.delete(mediaKey);
    }
  }

  private async createFromUrl(
    caller: AuthenticatedTenant,
    dto: CreateUploadDto,
    key?: string,
  ): Promise<UploadResponse> {
    const prepared = await this.prepare(caller, dto, key);
    if (prepared.existing) return prepared.existing;
    if (!dto.videoUrl) {
      throw new ValidationFailedError(
        'Send a video file as multipart/form-data (field "video"), or JSON with videoUrl.',
      );
    }
    checkMediaUrl('videoUrl', dto.videoUrl, this.config.get('media', { infer: true }).verifiedUrls);
    if (dto.mode === 'direct') await this.checkDirect(caller, prepared);
    return this.insert(caller, prepared, { source: 'url', videoUrl: dto.videoUrl }, key);
  }

  private async prepare(caller: AuthenticatedTenant, dto: CreateUploadDto, key?: string): Promise<Prepared> {
    const mode = dto.mode ?? 'inbox';
    const connection = await this.tokens.activeConnectionOf(caller.tenantId, dto.userId);
    if (!connection.scopes.includes(REQUIRED_SCOPE[mode])) {
      throw new AppError(
        'forbidden',
        `The user did not grant ${REQUIRED_SCOPE[mode]}, which ${mode} uploads need; connect again and allow it.`,
        HttpStatus.FORBIDDEN,
        {
          requiredScope: REQUIRED_SCOPE[mode],
        },
      );
    }
    await this.rateLimiter.consume(
      'uploads',
      `${caller.apiKeyId}:${dto.userId}`,
      this.config.get('rateLimits', { infer: true }).uploadsPerMinute,
    );
    if (key) {
      const existing = await this.uploads.findByIdempotencyKey(caller.tenantId, dto.userId, key);
      if (existing) return { dto, connectionId: connection.id, existing: toUploadResponse(existing) };
    }
    if (dto.publishAt === undefined) return { dto, connectionId: connection.id };
    const publishAt = await this.schedule.publishAtFor({ publishAt: dto.publishAt, mode, connectionId: connection.id });
    return { dto, connectionId: connection.id, publishAt };
  }

  private async acceptFile(
    caller: AuthenticatedTenant,
    prepared: Prepared,
    file: SpooledFile,
    key?: string,
  ): Promise<UploadResponse> {
    const { dto } = prepared;
    const malwareScan = await this.scan(file);
    const creator = dto.mode === 'direct' ? await this.checkDirect(caller, prepared) : undefined;
    const probe = await probeStoredVideo(this.storage, file.key);
    try {
      assertVideoAccepted(
        probe,
        videoLimitsFor({
          creatorMaxVideoPostDurationSec: creator?.maxVideoPostDurationSec,
          maxSizeBytes: this.config.get('uploads', { infer: true }).maxBytes,
        }),
      );
    } catch (error) {
      uploadsRejectedTotal.inc({ rule: ((error as AppError).details?.rule as string) ?? 'container' });
      throw error;
    }
    const plan = planChunks(file.sizeBytes, this.config.get('uploads', { infer: true }).chunkBytes);
    const video: UploadVideoInfo = {
      sizeBytes: file.sizeBytes,
      container: probe.container,
      codec: probe.codec,
      width: probe.width,
      height: probe.height,
      frameRate: probe.frameRate,
      durationMs: probe.durationMs,
    };
    return this.insert(
      caller,
      prepared,
      {
        source: 'file',
        spoolPath: spoolPathOf(this.storage, file.key),
        // Only the instance holding local bytes can send them; an object in the bucket any instance can send.
        mediaHolder: this.storage.kind === 'local' ? this.config.get('instance', { infer: true }).id : null,
        video,
        malwareScan,
        chunkSize: plan.chunkSize,
        totalChunks: plan.totalChunkCount,
      },
      key,
    );
  }

  /** Nothing goes on (not even to the probe) before the scanner has passed the file; it fails closed. */
  private async scan(file: SpooledFile): Promise<UploadMalwareScan> {
    const result = await this.scanner.scan(this.storage, file.key);
    if (!result.clean) {
      uploadsRejectedTotal.inc({ rule: 'malware' });
      throw new AppError(
        'video_rejected',
        `The video was refused: the malware scanner found ${result.signature}.`,
        HttpStatus.UNPROCESSABLE_ENTITY,
        { rule: 'malware', signature: result.signature },
      );
    }
    return { scanner: result.scanner, clean: true, durationMs: result.durationMs, scannedAt: new Date().toISOString() };
  }

  /**
   * Direct posts follow the creator's settings of right now (docs/tiktok.md §5.1: query it fresh). A scheduled one
   * is checked against them when it starts (schedule/scheduled-start.service.ts): here only the rules that need
   * nothing from TikTok.
   */
  private async checkDirect(caller: AuthenticatedTenant, prepared: Prepared) {
    const { dto } = prepared;
    if (prepared.publishAt) {
      checkDirectPostFields(dto);
      return undefined;
    }
    const creator = await this.tokens.withAccessToken(caller.tenantId, dto.userId, (token) =>
      this.tiktok.queryCreatorInfo(token),
    );
    checkDirectPost(dto, creator);
    return creator;
  }

  private async insert(
    caller: AuthenticatedTenant,
    prepared: Prepared,
    source: Partial<Upload>,
    key?: string,
  ): Promise<UploadResponse> {
    const { dto } = prepared;
    // A fork: when the insert loses an idempotency race, the refused entity stays in it, not in the request's context.
    const em = this.em.fork();
    const upload = em.create(Upload, {
      tenant: em.getReference(Tenant, caller.tenantId),
      userId: dto.userId,
      connectionId: prepared.connectionId,
      mode: dto.mode ?? 'inbox',
      source: 'file',
      idempotencyKey: key,
      post: {
        title: dto.title,
        description: dto.description,
        privacyLevel: dto.privacyLevel,
        disableComment: dto.disableComment,
        disableDuet: dto.disableDuet,
        disableStitch: dto.disableStitch,
        coverTimestampMs: dto.coverTimestampMs,
        brandContent: dto.brandContent,
        brandOrganic: dto.brandOrganic,
        isAigc: dto.isAigc,
      },
      nextActionAt: prepared.publishAt ?? new Date(),
      ...(prepared.publishAt ? { status: 'scheduled' as const, publishAt: prepared.publishAt } : {}),
      ...source,
    });
    try {
      await em.transactional(async (tx) => {
        tx.persist(upload);
        await tx.flush();
        if (upload.status === 'scheduled') await this.state.announceScheduled(tx, upload);
      });
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException) || !key) throw error;
      // Two requests with one Idempotency-Key raced: the first one's upload is the answer.
      if (source.spoolPath) await this.storage.delete(mediaKeyOf(source.spoolPath));
      const existing = await this.uploads.findOneOrFail({
        tenant: caller.tenantId,
        userId: dto.userId,
        idempotencyKey: key,
      });
      return toUploadResponse(existing);
    }
    this.worker.kick();
    return toUploadResponse(upload);
  }
}
