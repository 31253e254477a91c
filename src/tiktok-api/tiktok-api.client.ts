import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Agent } from 'undici';
import { TikTokApiMetrics } from './tiktok-api.metrics';
import {
  toCreatorInfo,
  toPhotoInitBody,
  toPostInfoBody,
  toPublishInit,
  toPublishStatus,
  toSourceInfoBody,
  toTokenSet,
  toUserInfo,
} from './tiktok-api.mapping';
import type {
  TikTokChunkPut,
  TikTokChunkResult,
  TikTokCodeExchange,
  TikTokCreatorInfo,
  TikTokPhotoPost,
  TikTokPostInfo,
  TikTokPublishInit,
  TikTokPublishStatus,
  TikTokTokenSet,
  TikTokUserInfo,
  TikTokVideoSource,
} from './tiktok-api.models';
import {
  resolveTikTokApiOptions,
  TIKTOK_API_OPTIONS,
  type ResolvedTikTokApiOptions,
  type TikTokApiOptions,
} from './tiktok-api.options';
import type {
  TikTokCodeExchangeForm,
  TikTokCreatorInfoData,
  TikTokDirectPostInitBody,
  TikTokInboxInitBody,
  TikTokInitData,
  TikTokPublishStatusData,
  TikTokRefreshForm,
  TikTokRevokeForm,
  TikTokUserInfoData,
} from './tiktok-api.types';
import { putVideoChunk } from './tiktok-chunk-upload';
import { TikTokHttp } from './tiktok-http';
import { stringifyTikTokJson } from './tiktok-json';
import type { TikTokVideo, TikTokVideoListRequest, TikTokVideoPage } from './tiktok-video.models';
import { toQueriedVideos, toVideoListBody, toVideoPage, VIDEO_FIELDS } from './tiktok-video.mapping';
import type { TikTokVideoListData, TikTokVideoQueryBody, TikTokVideoQueryData } from './tiktok-video.types';
import { invalidResponse, readEnvelopeAnswer, readOAuthAnswer } from './tiktok-responses';
import type { RetryMode } from './retry-policy';

const USER_INFO_FIELDS = 'open_id,union_id,avatar_url,display_name';

/** The only code that speaks TikTok's wire format (docs/tiktok.md §3-9). Stateless apart from its HTTP pool. */
@Injectable()
export class TikTokApiClient implements OnApplicationShutdown {
  private readonly options: ResolvedTikTokApiOptions;
  private readonly dispatcher: Agent;
  private readonly http: TikTokHttp;

  constructor(@Inject(TIKTOK_API_OPTIONS) options: TikTokApiOptions) {
    this.options = resolveTikTokApiOptions(options);
    this.dispatcher = new Agent({
      connect: { timeout: this.options.requestTimeoutMs },
      // undici 8 would negotiate HTTP/2 with TikTok over TLS; the retry rules (transport-failure.ts) and the chunk
      // uploads are built and tested on HTTP/1.1, so stay there until HTTP/2 is tested on its own.
      allowH2: false,
    });
    this.http = new TikTokHttp(
      this.dispatcher,
      {
        maxRetries: this.options.maxRetries,
        baseDelayMs: this.options.retryBaseDelayMs,
        maxRetryAfterSeconds: this.options.maxRetryAfterSeconds,
      },
      new TikTokApiMetrics(),
    );
  }

  /** docs/tiktok.md §3.1. Never retried: the code is single use. */
  exchangeCode({ code, redirectUri, codeVerifier }: TikTokCodeExchange): Promise<TikTokTokenSet> {
    const form: TikTokCodeExchangeForm = {
      ...this.clientCredentials(),
      code,
      grant_type: 'authorization_code',
      redirect_uri: redirectUri,
      ...(codeVerifier === undefined ? {} : { code_verifier: codeVerifier }),
    };
    return this.requestTokens('token_exchange', 'never', form);
  }

  /** docs/tiktok.md §3.2, §13 "Rotation": persist the returned pair; the old refresh token may be dead. */
  refreshAccessToken(refreshToken: string): Promise<TikTokTokenSet> {
    const form: TikTokRefreshForm = {
      ...this.clientCredentials(),
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    };
    return this.requestTokens('token_refresh', 'until_sent', form);
  }

  /** docs/tiktok.md §3.6: success is an empty body (or one without `error`). */
  async revokeAccessToken(accessToken: string): Promise<void> {
    const form: TikTokRevokeForm = {
      ...this.clientCredentials(),
      token: accessToken,
    };
    readOAuthAnswer('oauth_revoke', await this.postForm('oauth_revoke', 'safe', '/v2/oauth/revoke/', form));
  }

  /** docs/tiktok.md §4.3 */
  async getUserInfo(accessToken: string): Promise<TikTokUserInfo> {
    // docs/tiktok.md §4.3: comma-separated, written as in TikTok's example.
    const path = `/v2/user/info/?fields=${USER_INFO_FIELDS}`;
    const answer = await this.callDataApi<TikTokUserInfoData>('user_info', 'safe', 'GET', path, accessToken);
    return toUserInfo(answer.body) ?? this.fail('user_info', answer);
  }

  /** docs/tiktok.md §5.1: spam_risk_* and reached_active_user_cap arrive with HTTP 200 and still throw. */
  async queryCreatorInfo(accessToken: string): Promise<TikTokCreatorInfo> {
    const path = '/v2/post/publish/creator_info/query/';
    const answer = await this.callDataApi<TikTokCreatorInfoData>('creator_info', 'safe', 'POST', path, accessToken);
    return toCreatorInfo(answer.body) ?? this.fail('creator_info', answer);
  }

  /** docs/tiktok.md §5.3: only source_info. Never retried: an ambiguous init may already have made a draft. */
  async initInboxUpload(accessToken: string, source: TikTokVideoSource): Promise<TikTokPublishInit> {
    const body: TikTokInboxInitBody = { source_info: toSourceInfoBody(source) };
    const path = '/v2/post/publish/inbox/video/init/';
    const answer = await this.callDataApi<TikTokInitData>('inbox_init', 'never', 'POST', path, accessToken, body);
    return toPublishInit(answer.body, source.kind === 'file') ?? this.fail('inbox_init', answer);
  }

  /** docs/tiktok.md §5.2. Never retried: an ambiguous init may already have created a post. */
  async initDirectPost(
    accessToken: string,
    postInfo: TikTokPostInfo,
    source: TikTokVideoSource,
  ): Promise<TikTokPublishInit> {
    const body: TikTokDirectPostInitBody = {
      post_info: toPostInfoBody(postInfo),
      source_info: toSourceInfoBody(source),
    };
    const path = '/v2/post/publish/video/init/';
    const answer = await this.callDataApi<TikTokInitData>('video_init', 'never', 'POST', path, accessToken, body);
    return toPublishInit(answer.body, source.kind === 'file') ?? this.fail('video_init', answer);
  }

  /** docs/tiktok.md §5.4: DIRECT_POST or MEDIA_UPLOAD, pulled from the URLs. Never retried, like the video inits. */
  async initPhotoPost(accessToken: string, post: TikTokPhotoPost): Promise<TikTokPublishInit> {
    const body = toPhotoInitBody(post);
    const path = '/v2/post/publish/content/init/';
    const answer = await this.callDataApi<TikTokInitData>('photo_init', 'never', 'POST', path, accessToken, body);
    return toPublishInit(answer.body, false) ?? this.fail('photo_init', answer);
  }

  /** docs/tiktok.md §6.2. Rejections throw TikTokUploadRejectedError (416 carries TikTok's progress). */
  putChunk(chunk: TikTokChunkPut): Promise<TikTokChunkResult> {
    return putVideoChunk(this.http, chunk, this.options.uploadTimeoutMs);
  }

  /** docs/tiktok.md §8: post ids come back as exact decimal strings. */
  async fetchPublishStatus(accessToken: string, publishId: string): Promise<TikTokPublishStatus> {
    const path = '/v2/post/publish/status/fetch/';
    const body = { publish_id: publishId };
    const answer = await this.callDataApi<TikTokPublishStatusData>(
      'status_fetch',
      'safe',
      'POST',
      path,
      accessToken,
      body,
    );
    return toPublishStatus(answer.body) ?? this.fail('status_fetch', answer);
  }

  /** docs/tiktok.md §5.6: the creator's public posts, newest first; ids, counts and the cursor int64-exact. */
  async listVideos(accessToken: string, request: TikTokVideoListRequest): Promise<TikTokVideoPage> {
    const path = `/v2/video/list/?fields=${VIDEO_FIELDS}`;
    const body = toVideoListBody(request);
    const answer = await this.callDataApi<TikTokVideoListData>('video_list', 'safe', 'POST', path, accessToken, body);
    return toVideoPage(answer.body) ?? this.fail('video_list', answer);
  }

  /** docs/tiktok.md §5.6: at most 20 of the creator's own ids; a post that is not public is simply absent. */
  async queryVideos(accessToken: string, videoIds: string[]): Promise<TikTokVideo[]> {
    const path = `/v2/video/query/?fields=${VIDEO_FIELDS}`;
    const body: TikTokVideoQueryBody = { filters: { video_ids: videoIds } };
    const answer = await this.callDataApi<TikTokVideoQueryData>('video_query', 'safe', 'POST', path, accessToken, body);
    return toQueriedVideos(answer.body) ?? this.fail('video_query', answer);
  }

  /** docs/tiktok.md §6.3: best effort, PULL_FROM_URL downloads only. */
  async cancelPublish(accessToken: string, publishId: string): Promise<void> {
    await this.callDataApi('cancel', 'safe', 'POST', '/v2/post/publish/cancel/', accessToken, {
      publish_id: publishId,
    });
  }

  /**
   * Last, after the workers have drained within the shutdown grace (the chunk in flight and the final status polls
   * need the client until then). A request still running now outlived the grace: it is cut rather than waited for
   * (a chunk PUT may take minutes), and its upload resumes elsewhere once the lease lapses, as after a crash.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.dispatcher.destroy();
  }

  private clientCredentials() {
    return {
      client_key: this.options.clientKey,
      client_secret: this.options.clientSecret,
    };
  }

  private async requestTokens(endpoint: string, retry: RetryMode, form: TikTokCodeExchangeForm | TikTokRefreshForm) {
    const answer = readOAuthAnswer(endpoint, await this.postForm(endpoint, retry, '/v2/oauth/token/', form));
    return toTokenSet(answer.body) ?? this.fail(endpoint, answer);
  }

  // docs/tiktok.md §3: form body, credentials in the body, no Authorization header.
  private postForm(endpoint: string, retry: RetryMode, path: string, form: object) {
    const encoded = new URLSearchParams(form as Record<string, string>).toString();
    return this.http.send({
      endpoint,
      retry,
      method: 'POST',
      url: this.options.apiBaseUrl + path,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'cache-control': 'no-cache',
      },
      body: () => encoded,
      timeoutMs: this.options.requestTimeoutMs,
    });
  }

  // docs/tiktok.md §4.1, §5: Bearer token; POST bodies are JSON.
  private async callDataApi<TData>(
    endpoint: string,
    retry: RetryMode,
    method: 'GET' | 'POST',
    path: string,
    accessToken: string,
    body?: object,
  ) {
    const headers: Record<string, string> = {
      authorization: `Bearer ${accessToken}`,
    };
    if (method === 'POST') headers['content-type'] = 'application/json; charset=UTF-8';
    const json = body === undefined ? undefined : stringifyTikTokJson(body);
    const response = await this.http.send({
      endpoint,
      retry,
      method,
      url: this.options.apiBaseUrl + path,
      headers,
      body: json === undefined ? undefined : () => json,
      timeoutMs: this.options.requestTimeoutMs,
    });
    return readEnvelopeAnswer<TData>(endpoint, response);
  }

  private fail(endpoint: string, answer: { logId?: string; httpStatus: number }): never {
    throw invalidResponse(endpoint, answer);
  }
}
