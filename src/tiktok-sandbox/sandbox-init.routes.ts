import { randomBytes } from 'node:crypto';
import { answeredInjected429, authorizeApiCall, readJsonObject } from './sandbox-api-guard';
import type { SandboxCore } from './sandbox-core';
import { randomId, sendApiError, sendApiOk, type RouteContext, type RouteTable } from './sandbox-http';
import { checkPostInfo, checkSourceInfo, type InitRefusal } from './init-body-rules';
import { directPostingBlock, inboxPostingBlock } from './posting-limits';
import { startPull } from './sandbox-pull';
import type { PublishKind } from './sandbox-state';

/** docs/tiktok.md §5.2 Direct Post and §5.3 inbox video init. */
export function initRoutes(core: SandboxCore): RouteTable {
  const refuse = (ctx: RouteContext, r: InitRefusal): void => core.refuseApi(ctx, r.rule, r.status, r.code, r.message);

  const init = (kind: PublishKind) => async (ctx: RouteContext) => {
    const caller = authorizeApiCall(core, ctx, [kind === 'inbox' ? 'video.upload' : 'video.publish'], 'init');
    if (!caller) return;
    if (await answeredInjected429(core, ctx, 'inits429')) return;
    const body = await readJsonObject(core, ctx);
    if (!body) return;
    const account = core.account(caller.openId);
    if (!account) return sendApiError(ctx, 500, 'internal_error', 'Unknown account.');
    // §13: inbox init sends only source_info; the creator writes the caption in the app.
    if (kind === 'inbox' && 'post_info' in body) {
      return core.refuseApi(
        ctx,
        'init.inbox_post_info',
        400,
        'invalid_param',
        'post_info is not allowed for inbox uploads.',
      );
    }
    const source = checkSourceInfo(body.source_info, core.options.verifiedUrlPrefixes);
    if (!source.ok) return refuse(ctx, source);
    let privacyLevel: string | undefined;
    if (kind === 'direct') {
      const post = checkPostInfo(body.post_info, account, core.options.audited);
      if (!post.ok) return refuse(ctx, post);
      privacyLevel = post.privacyLevel;
    }
    const block = kind === 'direct' ? directPostingBlock(core, account) : inboxPostingBlock(core, account);
    if (block) return core.refuseApi(ctx, block.rule, 403, block.code, block.message);

    const publish = core.publishes.create({
      openId: caller.openId,
      kind,
      mediaType: 'VIDEO',
      source: source.source,
      privacyLevel,
      initBody: body,
    });
    const sourceKey = source.source === 'FILE_UPLOAD' ? `size:${source.plan.videoSize}` : `url:${source.videoUrl}`;
    core.state.inits.push({ openId: caller.openId, kind, sourceKey, publishId: publish.publishId, time: core.now() });
    if (source.source === 'PULL_FROM_URL') {
      startPull(core, publish, source.videoUrl);
      return sendApiOk(ctx, { publish_id: publish.publishId });
    }
    const uploadId = randomBytes(8).readBigUInt64BE().toString();
    const uploadToken = randomId(24);
    publish.upload = {
      uploadId,
      uploadToken,
      ...source.plan,
      receivedBytes: 0,
      acceptedChunks: 0,
      expiresAt: core.now() + core.options.uploadUrlTtlSeconds * 1000,
      putCount: 0,
    };
    core.state.uploads.set(uploadId, publish);
    const uploadUrl = `${core.publicBaseUrl}/upload/?upload_id=${uploadId}&upload_token=${uploadToken}`;
    sendApiOk(ctx, { publish_id: publish.publishId, upload_url: uploadUrl });
  };

  return {
    'POST /v2/post/publish/inbox/video/init/': init('inbox'),
    'POST /v2/post/publish/video/init/': init('direct'),
  };
}
