import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { TikTokApiClient } from '../../tiktok-api/tiktok-api.client';
import { TikTokApiError } from '../../tiktok-api/tiktok-api.error';
import { TikTokPublishInit } from '../../tiktok-api/tiktok-api.models';
import { TokenCipher } from '../../common/crypto/token-cipher';
import { TokensService } from '../../tokens/tokens.service';
import { captionOf } from '../rules/direct-post-rules';
import { InitBudget } from './init-budget';
import { initFailure } from './init-failure';
import { uploadUrlAad } from './upload-retries';
import { UploadChanges, UploadStateService } from '../upload-state.service';
import { isPulledByTikTok, Upload } from '../upload.entity';
import { photoPostOf } from './photo-init';

/**
 * Creates the publish at TikTok: within the init budget, at most once per publish, and never again after an
 * answer that may have created a post (docs/lessons.md #6).
 */
@Injectable()
export class PublishInitService {
  constructor(
    private readonly clock: Clock,
    private readonly tiktok: TikTokApiClient,
    private readonly tokens: TokensService,
    private readonly state: UploadStateService,
    private readonly budget: InitBudget,
    private readonly cipher: TokenCipher,
  ) {}

  async init(upload: Upload, now: Date): Promise<void> {
    if (upload.initStartedAt) {
      // An init was sent and its answer never stored (a crash): TikTok may have created the publish. Never again.
      return this.state.fail(
        upload,
        'init_outcome_unknown',
        'The service stopped while TikTok was creating the post; it was not retried, to avoid a duplicate post. Upload again if it does not appear in TikTok.',
      );
    }
    const reserved = await this.budget.reserve(upload, now);
    if (reserved !== true) {
      await this.state.change(upload, { nextActionAt: reserved });
      return;
    }
    const inFlight: Upload = { ...upload, initStartedAt: now } as Upload;
    // Whether an init may have reached TikTok without a definite answer: only then is a failure ambiguous.
    let inDoubt = false;
    let init: TikTokPublishInit;
    try {
      init = await this.tokens.withAccessToken(upload.tenant.id, upload.userId, async (token) => {
        inDoubt = true;
        try {
          return await this.sendInit(upload, token);
        } catch (error) {
          // A refusal with TikTok's error body is definite: nothing was created, whatever happens next (a refresh).
          if (error instanceof TikTokApiError) inDoubt = false;
          throw error;
        }
      });
    } catch (error) {
      return this.initFailed(inFlight, error, now, inDoubt);
    }
    // If this write fails, the row keeps initStartedAt without a publish id: the next owner fails it, never re-inits.
    // The slot is stamped with the time TikTok's answer arrived: no earlier than TikTok counted the request, so the
    // budget's sliding minute never ends before TikTok's does (the send may have waited for a token refresh).
    await this.state.change(inFlight, { ...this.afterInit(upload, init, now), initStartedAt: this.clock.now() });
  }

  private sendInit(upload: Upload, token: string): Promise<TikTokPublishInit> {
    if (upload.mediaType === 'photo') return this.tiktok.initPhotoPost(token, photoPostOf(upload, this.cipher));
    const source =
      upload.source === 'url'
        ? { kind: 'url' as const, videoUrl: upload.videoUrl! }
        : {
            kind: 'file' as const,
            videoSize: upload.video!.sizeBytes,
            chunkSize: upload.chunkSize!,
            totalChunkCount: upload.totalChunks!,
          };
    if (upload.mode === 'inbox') return this.tiktok.initInboxUpload(token, source);
    const post = upload.post;
    return this.tiktok.initDirectPost(
      token,
      {
        title: captionOf(post),
        privacyLevel: post.privacyLevel as 'SELF_ONLY',
        disableComment: post.disableComment,
        disableDuet: post.disableDuet,
        disableStitch: post.disableStitch,
        videoCoverTimestampMs: post.coverTimestampMs,
        brandContentToggle: post.brandContent ?? false,
        brandOrganicToggle: post.brandOrganic,
        isAigc: post.isAigc,
      },
      source,
    );
  }

  private afterInit(upload: Upload, init: TikTokPublishInit, now: Date): UploadChanges {
    const common = { publishId: init.publishId, error: null, attempts: 0, nextActionAt: now };
    if (isPulledByTikTok(upload)) return { ...common, status: 'processing', tiktokStatus: 'PROCESSING_DOWNLOAD' };
    return {
      ...common,
      status: 'uploading',
      uploadUrlCiphertext: this.cipher.encrypt(init.uploadUrl!, uploadUrlAad(upload.id)),
      uploadedBytes: 0,
      uploadedChunks: 0,
    };
  }

  private async initFailed(upload: Upload, error: unknown, now: Date, inDoubt: boolean): Promise<void> {
    const decision = initFailure(error, { attempts: upload.attempts, inDoubt, now });
    if (decision.kind === 'fail')
      return this.state.fail(upload, decision.error.code, decision.error.message, decision.error);
    // Nothing was created at TikTok, so the slot is given back and a later init is safe.
    await this.state.change(upload, {
      initStartedAt: null,
      attempts: decision.attempts,
      nextActionAt: decision.at,
      error: decision.error,
    });
  }
}
