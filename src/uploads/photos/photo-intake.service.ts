import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import { AuthenticatedTenant } from '../../common/auth/authenticated-tenant';
import { ValidationFailedError } from '../../common/errors/app-error';
import { AppConfig } from '../../config/app-config';
import { TikTokApiClient } from '../../tiktok-api/tiktok-api.client';
import { TokensService } from '../../tokens/tokens.service';
import { UploadResponse } from '../dto/upload.response';
import { validIdempotencyKey } from '../intake/idempotency-key';
import { Admitted, PostAdmissionService } from '../intake/post-admission.service';
import { PendingFiles } from '../intake/multipart-intake';
import { Upload } from '../upload.entity';
import { CreatePhotoPostDto } from './dto/create-photo-post.dto';
import { PhotoFilesIntake } from './photo-files-intake';
import { checkMediaUrl } from '../rules/media-urls';
import { checkDirectPhotoPost, checkPhotoCount, checkPhotoText } from './photo-post-rules';

export interface PreparedPhotoPost extends Admitted {
  dto: CreatePhotoPostDto;
}

/**
 * `POST /api/tiktok/photos`: what a photo post must pass before it becomes a queued (or scheduled) upload — the
 * fields, TikTok's photo rules (count, cover, text lengths, pullable and verified URLs), the connection and scope, the per-user limit,
 * the idempotency key and, for direct posts, the creator's current options. Nothing reaches TikTok's posting API here.
 */
@Injectable()
export class PhotoIntakeService {
  constructor(
    private readonly admission: PostAdmissionService,
    private readonly tokens: TokensService,
    private readonly tiktok: TikTokApiClient,
    private readonly config: ConfigService<AppConfig, true>,
    private readonly files: PhotoFilesIntake,
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
    const admitted = await this.admission.admit(
      caller,
      { userId: dto.userId, mode: dto.mode, publishAt: dto.publishAt, kind: 'photo posts' },
      key,
    );
    return { dto, ...admitted };
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

  /** Stores the upload; `created` is false when an earlier request with the same Idempotency-Key won. */
  private insert(
    caller: AuthenticatedTenant,
    prepared: PreparedPhotoPost,
    media: Pick<Upload, 'source' | 'photos'> & Partial<Pick<Upload, 'id' | 'mediaHolder'>>,
    key?: string,
  ): Promise<{ upload: UploadResponse; created: boolean }> {
    const { dto } = prepared;
    return this.admission.insert(
      caller,
      prepared,
      {
        id: media.id ?? randomUUID(),
        userId: dto.userId,
        mode: dto.mode,
        mediaType: 'photo',
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
        ...media,
      },
      key,
    );
  }
}
