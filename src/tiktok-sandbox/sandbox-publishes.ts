import { randomBytes } from 'node:crypto';
import { MediaSniffer } from './media-sniffer';
import type { ResolvedSandboxOptions } from './sandbox-options';
import { postFromPublish } from './sandbox-posts';
import type { Publish, PublishKind, PublishMediaType, PublishSource, SandboxState } from './sandbox-state';
import type { SandboxWebhooks } from './sandbox-webhooks';
import { findScenarioAccountByOpenId } from './scenario-accounts';

// docs/tiktok.md §5.2/§5.3 examples; the inbox pull prefix is not documented and follows the same pattern.
const PUBLISH_ID_PREFIX: Record<PublishKind, Record<PublishSource, string>> = {
  inbox: { FILE_UPLOAD: 'v_inbox_file~v2.', PULL_FROM_URL: 'v_inbox_url~v2.' },
  direct: { FILE_UPLOAD: 'v_pub_file~v2-1.', PULL_FROM_URL: 'v_pub_url~v2.' },
};
// §5.4: the photo page shows only this prefix, for either post_mode.
const PHOTO_PUBLISH_ID_PREFIX = 'p_pub_url~v2.';
// §10.3: INBOX_SHARE is documented; DIRECT_PUBLISH was seen in a real payload.
const PUBLISH_TYPE: Record<PublishKind, string> = { inbox: 'INBOX_SHARE', direct: 'DIRECT_PUBLISH' };
const TERMINAL = new Set(['SEND_TO_USER_INBOX', 'PUBLISH_COMPLETE', 'FAILED']);

function randomDigits(count: number): string {
  return Array.from(randomBytes(count), (b) => String(b % 10))
    .join('')
    .replace(/^0/, '7');
}

/** §8: int64 ids above 2^53; odd, so a JS number cannot hold them exactly. */
function newPostId(): bigint {
  return (7_000_000_000_000_000_000n + (randomBytes(8).readBigUInt64BE() >> 4n)) | 1n;
}

export interface NewPublish {
  openId: string;
  kind: PublishKind;
  mediaType: PublishMediaType;
  source: PublishSource;
  privacyLevel?: string;
  initBody: Record<string, unknown>;
}

/** The publish state machine of §8 and the webhooks of §10.3 it emits. */
export class SandboxPublishes {
  constructor(
    private readonly state: SandboxState,
    private readonly options: ResolvedSandboxOptions,
    private readonly webhooks: SandboxWebhooks,
  ) {}

  create({ openId, kind, mediaType, source, privacyLevel, initBody }: NewPublish): Publish {
    const prefix = mediaType === 'PHOTO' ? PHOTO_PUBLISH_ID_PREFIX : PUBLISH_ID_PREFIX[kind][source];
    const publish: Publish = {
      publishId: prefix + randomDigits(19),
      openId,
      kind,
      mediaType,
      initBody,
      source,
      status: source === 'FILE_UPLOAD' ? 'PROCESSING_UPLOAD' : 'PROCESSING_DOWNLOAD',
      privacyLevel,
      createdAt: this.options.now(),
      postIds: [],
      media: new MediaSniffer(),
      failAtEnd: this.state.faults.failNextPublish,
      statusFetches: 0,
    };
    this.state.faults.failNextPublish = undefined;
    this.state.publishes.set(publish.publishId, publish);
    return publish;
  }

  isTerminal(publish: Publish): boolean {
    return TERMINAL.has(publish.status);
  }

  /** All bytes arrived (last chunk or pull done): processing ends after processingDelayMs. */
  startProcessing(publish: Publish): void {
    publish.processingDoneAt = this.options.now() + this.options.processingDelayMs;
    publish.timer = setTimeout(() => this.finish(publish), this.options.processingDelayMs);
    publish.timer.unref();
  }

  /** Called by status/fetch; the clock may be injected, so time-based transitions also happen here. */
  observe(publish: Publish): void {
    if (this.isTerminal(publish)) return;
    if (publish.failNextObservation) this.fail(publish, publish.failNextObservation);
    else if (publish.processingDoneAt !== undefined && this.options.now() >= publish.processingDoneAt)
      this.finish(publish);
  }

  finish(publish: Publish): void {
    if (this.isTerminal(publish)) return;
    const reason = publish.failNextObservation ?? publish.failAtEnd ?? this.mediaFailure(publish);
    if (reason) return this.fail(publish, reason);
    if (publish.kind === 'inbox') {
      publish.status = 'SEND_TO_USER_INBOX';
      this.emit(publish, 'post.publish.inbox_delivered', {});
      return;
    }
    // §8: ids appear only for posts others can see; a SELF_ONLY post never becomes publicly available.
    this.complete(publish, publish.privacyLevel === 'SELF_ONLY' ? 0 : 1);
  }

  /**
   * Also the creator posting the inbox draft in the app (§8: upload mode becomes PUBLISH_COMPLETE). Each post lands
   * on the profile (video/list, §5.6); its id reaches status and webhooks unless the account withholds it.
   */
  complete(publish: Publish, postCount: number): void {
    clearTimeout(publish.timer);
    publish.status = 'PUBLISH_COMPLETE';
    this.emit(publish, 'post.publish.complete', {});
    const withheld = findScenarioAccountByOpenId(publish.openId)?.postIdsWithheld ?? false;
    for (let i = 0; i < postCount; i += 1) {
      const postId = newPostId();
      postFromPublish(this.state, publish, postId, this.options.now());
      if (withheld) continue;
      publish.postIds.push(postId);
      this.emit(publish, 'post.publish.publicly_available', {}, postId);
    }
  }

  fail(publish: Publish, reason: string): void {
    clearTimeout(publish.timer);
    publish.pull?.abort.abort();
    publish.status = 'FAILED';
    publish.failReason = reason;
    publish.failNextObservation = undefined;
    this.emit(publish, 'post.publish.failed', { reason });
  }

  failAllInProgressOf(openId: string, reason: string): void {
    for (const publish of this.state.publishes.values()) {
      if (publish.openId === openId && !this.isTerminal(publish)) this.fail(publish, reason);
    }
  }

  private mediaFailure(publish: Publish): string | undefined {
    if (publish.mediaType === 'PHOTO') return publish.images?.find((image) => image.failReason)?.failReason;
    if (publish.media.container === 'unknown') return 'file_format_check_failed';
    const limit = findScenarioAccountByOpenId(publish.openId)?.maxVideoPostDurationSec ?? 600;
    const duration = publish.media.durationSec;
    return duration !== undefined && duration > limit ? 'duration_check_failed' : undefined;
  }

  private emit(publish: Publish, event: string, extra: Record<string, string>, postId?: bigint): void {
    const fields = { publish_id: publish.publishId, ...extra, publish_type: PUBLISH_TYPE[publish.kind] };
    let content = JSON.stringify(fields);
    if (postId !== undefined) content = `${content.slice(0, -1)},"post_id":${postId.toString()}}`;
    this.webhooks.emit(event, publish.openId, content);
  }
}
