import { EntityManager, UniqueConstraintViolationException } from '@mikro-orm/core';
import { InjectRepository } from '@mikro-orm/nestjs';
import { HttpStatus, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import { AuthenticatedTenant } from '../../common/auth/authenticated-tenant';
import { AppError, ValidationFailedError } from '../../common/errors/app-error';
import { AppConfig } from '../../config/app-config';
import { RateLimiter } from '../../rate-limits/rate-limiter';
import { Tenant } from '../../tenants/tenant.entity';
import { TikTokApiClient } from '../../tiktok-api/tiktok-api.client';
import { TokensService } from '../../tokens/tokens.service';
import { UploadDeliveryJob } from '../delivery/upload-delivery.job';
import { toUploadResponse } from '../dto/upload.mapping';
import { UploadResponse } from '../dto/upload.response';
import { validIdempotencyKey } from '../intake/idempotency-key';
import { PendingFiles } from '../intake/multipart-intake';
import { PublishScheduleService } from '../schedule/publish-schedule.service';
import { UploadStateService } from '../upload-state.service';
import { Upload } from '../upload.entity';
import { UploadRepository } from '../upload.repository';
import { CreatePhotoPostDto } from './dto/create-photo-post.dto';
import { PhotoFilesIntake } from './photo-files-intake';
import { checkMediaUrl } from '../rules/media-urls';
import { checkDirectPhotoPost, checkPhotoCount, checkPhotoText } from './photo-post-rules';

export interface PreparedPhotoPost {
  dto: CreatePhotoPostDto;
  connectionId: string;
  existing?: UploadResponse;
  /** Set for a scheduled post: it waits in `scheduled`, and nothing of it reaches TikTok before this time. */
  publishAt?: Date;
}

const REQUIRED_SCOPE = { inbox: 'video.upload', direct: 'video.publish' } as const;

/**
 * `POST /api/tiktok/photos`: what a photo post must pass before it becomes a queued (or scheduled) upload — the fields, TikTok's
 * photo rules (count, cover, text lengths, pullable and verified URLs), the connection and scope, the per-user limit,
 * the idempotency key and, for direct posts, the creator's current options. Nothing reaches TikTok's posting API here.
 */
@Injectable()
export class PhotoIntakeService {
  constructor(
    private readonly em: EntityManager,
    @InjectRepository(Upload) private readonly uploads: UploadRepository,
    private readonly tokens: TokensService,
    private readonly tiktok: TikTokApiClient,
    private readonly rateLimiter: RateLimiter,
    private readonly worker: UploadDeliveryJob,
    private readonly config: ConfigService<AppConfig, true>,
    private readonly files: PhotoFilesIntake,
    private readonly schedule: PublishScheduleService,
    private readonly state: UploadStateService,
  ) {}

  /**
   * `photos` are the unread image parts of a multipart form (PhotoIntakeInterceptor), undefined for JSON; `dto` has
   * passed the ValidationPipe.
   */
  async createPhotoPost(
    caller: AuthenticatedTenant,
    dto: CreatePhotoPostDto,
    photos: PendingFiles | undefined,
    idempotencyKey?: string,
  ): Promise<UploadResponse> {
    const key = validIdempotencyKey(idempotencyKey);
    if (!photos) return this.createFromUrls(caller, dto, key);
    // The checks come before a byte of an image is stored; a replay reads past them.
    const prepared = await this.prepare(caller, dto, key);
    if (prepared.existing) {
      await photos.discard();
      return prepared.existing;
    }
    await this.checkCreator(caller, prepared);
    return this.files.accept(photos, dto.coverIndex ?? 0, prepared.publishAt, (media) =>
      this.insert(caller, prepared, media, key),
    );
  }

  private async createFromUrls(
    caller: AuthenticatedTenant,
    dto: CreatePhotoPostDto,
    key?: string,
  ): Promise<UploadResponse> {
    const prepared = await this.prepare(caller, dto, key);
    if (prepared.existing) return prepared.existing;
    const { photoUrls, coverIndex = 0 } = prepared.dto;
    if (!photoUrls) {
      throw new ValidationFailedError(
        'Send photoUrls as JSON, or the images as multipart/form-data in "photos" parts.',
        { field: 'photoUrls' },
      );
    }
    checkPhotoCount('photoUrls', photoUrls.length, coverIndex);
    const verified = this.config.get('media', { infer: true }).verifiedUrls;
    photoUrls.forEach((url, index) => checkMediaUrl('photoUrls', url, verified, index));
    await this.checkCreator(caller, prepared);
    const photos = { count: photoUrls.length, coverIndex, urls: photoUrls };
    return (await this.insert(caller, prepared, { source: 'url', photos }, key)).upload;
  }

  /** The checks every form shares, in the order that spends the least on a bad request. */
  private async prepare(
    caller: AuthenticatedTenant,
    dto: CreatePhotoPostDto,
    key?: string,
  ): Promise<PreparedPhotoPost> {
    checkPhotoText(dto);
    const connection = await this.tokens.activeConnectionOf(caller.tenantId, dto.userId);
    const scope = REQUIRED_SCOPE[dto.mode];
    if (!connection.scopes.includes(scope)) {
      throw new AppError(
        'forbidden',
        `The user did not grant ${scope}, which ${dto.mode} photo posts need; connect again and allow it.`,
        HttpStatus.FORBIDDEN,
        { requiredScope: scope },
      );
    }
    // One budget with the video uploads: a photo post is an upload to the same user.
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
    const publishAt = await this.schedule.publishAtFor({
      publishAt: dto.publishAt,
      mode: dto.mode,
      connectionId: connection.id,
    });
    return { dto, connectionId: connection.id, publishAt };
  }

  /**
   * Direct posts follow the creator's settings of right now (docs/tiktok.md §5.1: query it fresh); a scheduled one
   * when it starts, so here only the rules that need nothing from TikTok.
   */
  private async checkCreator(caller: AuthenticatedTenant, prepared: PreparedPhotoPost): Promise<void> {
    const { dto } = prepared;
    if (dto.mode !== 'direct') return;
    if (prepared.publishAt) return checkDirectPhotoPost(dto);
    const creator = await this.tokens.withAccessToken(caller.tenantId, dto.userId, (token) =>
      this.tiktok.queryCreatorInfo(token),
    );
    checkDirectPhotoPost(dto, creator);
  }

  /** Stores the queued upload; `created` is false when an earlier request with the same Idempotency-Key won. */
  private async insert(
    caller: AuthenticatedTenant,
    prepared: PreparedPhotoPost,
    media: Pick<Upload, 'source' | 'photos'> & Partial<Pick<Upload, 'id' | 'mediaHolder'>>,
    key?: string,
  ): Promise<{ upload: UploadResponse; created: boolean }> {
    const { dto } = prepared;
    const em = this.em.fork();
    const upload = em.create(Upload, {
      id: media.id ?? randomUUID(),
      tenant: em.getReference(Tenant, caller.tenantId),
      userId: dto.userId,
      connectionId: prepared.connectionId,
      mode: dto.mode,
      mediaType: 'photo',
      idempotencyKey: key,
      post: {
        title: dto.title,
        description: dto.description,
        privacyLevel: dto.privacyLevel,
        disableComment: dto.disableComment,
        autoAddMusic: dto.autoAddMusic,
        brandContent: dto.brandContent,
        brandOrganic: dto.brandOrganic,
        isAigc: dto.isAigc,
      },
      nextActionAt: prepared.publishAt ?? new Date(),
      ...(prepared.publishAt ? { status: 'scheduled' as const, publishAt: prepared.publishAt } : {}),
      ...media,
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
      const existing = await this.uploads.findByIdempotencyKey(caller.tenantId, dto.userId, key);
      return { upload: toUploadResponse(existing!), created: false };
    }
    this.worker.kick();
    return { upload: toUploadResponse(upload), created: true };
  }
}
