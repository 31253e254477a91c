import { EntityData, EntityManager, UniqueConstraintViolationException } from '@mikro-orm/core';
import { InjectRepository } from '@mikro-orm/nestjs';
import { HttpStatus, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AuthenticatedTenant } from '../../common/auth/authenticated-tenant';
import { AppError } from '../../common/errors/app-error';
import { AppConfig } from '../../config/app-config';
import { RateLimiter } from '../../rate-limits/rate-limiter';
import { Tenant } from '../../tenants/tenant.entity';
import { TokensService } from '../../tokens/tokens.service';
import { UploadDeliveryJob } from '../delivery/upload-delivery.job';
import { toUploadResponse } from '../dto/upload.mapping';
import { UploadResponse } from '../dto/upload.response';
import { PublishScheduleService } from '../schedule/publish-schedule.service';
import { UploadStateService } from '../upload-state.service';
import { Upload, UploadMode } from '../upload.entity';
import { UploadRepository } from '../upload.repository';

const REQUIRED_SCOPE: Record<UploadMode, string> = { inbox: 'video.upload', direct: 'video.publish' };

/** What a post request asks for, as far as admitting it goes. */
export interface PostRequest {
  userId: string;
  mode: UploadMode;
  publishAt?: string;
  /** How the refusal names the post: "inbox uploads", "direct photo posts"… */
  kind: string;
}

export interface Admitted {
  connectionId: string;
  /** The upload an earlier request with the same Idempotency-Key made: the answer to this one. */
  existing?: UploadResponse;
  /** Set for a scheduled post: it waits in `scheduled`, and nothing of it reaches TikTok before this time. */
  publishAt?: Date;
}

/**
 * The steps every post request (a video or a photo post) takes before its media: the user's connection and scope,
 * the per-user limit, the idempotency key and the schedule — in the order that spends the least on a bad request —
 * and, at the end, the insert of the upload row.
 */
@Injectable()
export class PostAdmissionService {
  constructor(
    private readonly em: EntityManager,
    @InjectRepository(Upload) private readonly uploads: UploadRepository,
    private readonly tokens: TokensService,
    private readonly rateLimiter: RateLimiter,
    private readonly schedule: PublishScheduleService,
    private readonly state: UploadStateService,
    private readonly worker: UploadDeliveryJob,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  async admit(caller: AuthenticatedTenant, request: PostRequest, key?: string): Promise<Admitted> {
    const { userId, mode } = request;
    const connection = await this.tokens.activeConnectionOf(caller.tenantId, userId);
    const scope = REQUIRED_SCOPE[mode];
    if (!connection.scopes.includes(scope)) {
      throw new AppError(
        'forbidden',
        `The user did not grant ${scope}, which ${mode} ${request.kind} need; connect again and allow it.`,
        HttpStatus.FORBIDDEN,
        { requiredScope: scope },
      );
    }
    // One budget for videos and photo posts: each is an upload to the same user.
    await this.rateLimiter.consume(
      'uploads',
      `${caller.apiKeyId}:${userId}`,
      this.config.get('rateLimits', { infer: true }).uploadsPerMinute,
    );
    if (key) {
      const existing = await this.uploads.findByIdempotencyKey(caller.tenantId, userId, key);
      if (existing) return { connectionId: connection.id, existing: toUploadResponse(existing) };
    }
    if (request.publishAt === undefined) return { connectionId: connection.id };
    const publishAt = await this.schedule.publishAtFor({
      publishAt: request.publishAt,
      mode,
      connectionId: connection.id,
    });
    return { connectionId: connection.id, publishAt };
  }

  /**
   * Stores the upload, queued (or scheduled, with its first notification in the same transaction); `created` is false
   * when an earlier request with the same Idempotency-Key won the race, and `upload` is then that request's.
   */
  async insert(
    caller: AuthenticatedTenant,
    admitted: Admitted,
    fields: Omit<EntityData<Upload>, 'tenant' | 'connectionId' | 'nextActionAt' | 'status' | 'publishAt'> & {
      userId: string;
    },
    key?: string,
  ): Promise<{ upload: UploadResponse; created: boolean }> {
    // A fork: when the insert loses an idempotency race, the refused entity stays in it, not in the request's context.
    const em = this.em.fork();
    const upload = em.create(Upload, {
      ...fields,
      tenant: em.getReference(Tenant, caller.tenantId),
      connectionId: admitted.connectionId,
      idempotencyKey: key,
      nextActionAt: admitted.publishAt ?? new Date(),
      ...(admitted.publishAt ? { status: 'scheduled' as const, publishAt: admitted.publishAt } : {}),
    } as EntityData<Upload> as Upload);
    try {
      await em.transactional(async (tx) => {
        tx.persist(upload);
        await tx.flush();
        if (upload.status === 'scheduled') await this.state.announceScheduled(tx, upload);
      });
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException) || !key) throw error;
      // Two requests with one Idempotency-Key raced: the first one's upload is the answer.
      const existing = await this.uploads.findOneOrFail({
        tenant: caller.tenantId,
        userId: fields.userId,
        idempotencyKey: key,
      });
      return { upload: toUploadResponse(existing), created: false };
    }
    this.worker.kick();
    return { upload: toUploadResponse(upload), created: true };
  }
}
