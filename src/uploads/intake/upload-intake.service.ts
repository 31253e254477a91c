import { HttpStatus, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AuthenticatedTenant } from '../../common/auth/authenticated-tenant';
import { AppError, ValidationFailedError } from '../../common/errors/app-error';
import { AppConfig } from '../../config/app-config';
import { MalwareScanner } from '../../malware-scan/malware-scanner';
import { MediaStorage } from '../../storage/media-storage';
import { TikTokApiClient } from '../../tiktok-api/tiktok-api.client';
import { TokensService } from '../../tokens/tokens.service';
import { planChunks } from '../delivery/chunk-plan';
import { checkDirectPost, checkDirectPostFields } from '../rules/direct-post-rules';
import { checkMediaUrl } from '../rules/media-urls';
import { CreateUploadDto } from '../dto/create-upload.dto';
import { UploadResponse } from '../dto/upload.response';
import { validIdempotencyKey } from './idempotency-key';
import { Admitted, PostAdmissionService } from './post-admission.service';
import { PendingVideo, SpooledFile } from './multipart-intake';
import { ActiveSpoolFiles, mediaKeyOf, newSpoolKey, spoolPathOf } from './spool-files';
import { Upload, UploadMalwareScan, UploadVideoInfo } from '../upload.entity';
import { uploadsRejectedTotal } from '../uploads.metrics';
import { probeStoredVideo } from '../video/video-probe';
import { assertVideoAccepted, videoLimitsFor } from '../video/video-rules';

interface Prepared extends Admitted {
  dto: CreateUploadDto;
}

/**
 * `POST /api/tiktok/upload`: everything a request must pass before it becomes a queued (or scheduled) upload — fields,
 * the user's connection and scope, the per-user limit, the idempotency key, the file's own bytes, and for direct posts
 * the creator's current limits (for a scheduled one, when it starts). Nothing reaches TikTok's posting API from here,
 * and nothing is left behind on refusal.
 */
@Injectable()
export class UploadIntakeService {
  constructor(
    private readonly admission: PostAdmissionService,
    private readonly tokens: TokensService,
    private readonly tiktok: TikTokApiClient,
    private readonly scanner: MalwareScanner,
    private readonly config: ConfigService<AppConfig, true>,
    private readonly activeSpool: ActiveSpoolFiles,
    private readonly storage: MediaStorage,
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
    const admitted = await this.admission.admit(
      caller,
      { userId: dto.userId, mode, publishAt: dto.publishAt, kind: 'uploads' },
      key,
    );
    return { dto, ...admitted };
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
    const { upload, created } = await this.admission.insert(
      caller,
      prepared,
      {
        userId: dto.userId,
        mode: dto.mode ?? 'inbox',
        source: 'file',
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
        ...source,
      },
      key,
    );
    // The request that won the idempotency race keeps its own file; this one's is not needed.
    if (!created && source.spoolPath) await this.storage.delete(mediaKeyOf(source.spoolPath));
    return upload;
  }
}
