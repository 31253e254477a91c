import { admitCaller, answeredInjected429, authorizeApiCall, readJsonObject } from './sandbox-api-guard';
import type { SandboxCore } from './sandbox-core';
import { sendApiError, sendApiOk, type RouteContext, type RouteTable } from './sandbox-http';
import type { InitRefusal } from './init-body-rules';
import { checkPhotoInit, photoPostMode } from './photo-init-rules';
import { directPostingBlock, inboxPostingBlock } from './posting-limits';
import { startPhotoPull } from './sandbox-photo-pull';

// docs/tiktok.md §5: the scope of the matching video endpoint.
const SCOPE_OF_MODE = { DIRECT_POST: 'video.publish', MEDIA_UPLOAD: 'video.upload' } as const;

/** docs/tiktok.md §5.4 photo init, direct or to the inbox; the images are then pulled (§6.3). */
export function photoInitRoutes(core: SandboxCore): RouteTable {
  const refuse = (ctx: RouteContext, r: InitRefusal): void => core.refuseApi(ctx, r.rule, r.status, r.code, r.message);

  const init = async (ctx: RouteContext): Promise<void> => {
    // The scope depends on post_mode, so the body is read before the scope and the budget are judged.
    const caller = authorizeApiCall(core, ctx, Object.values(SCOPE_OF_MODE), undefined);
    if (!caller) return;
    if (await answeredInjected429(core, ctx, 'inits429')) return;
    const body = await readJsonObject(core, ctx);
    if (!body) return;
    const mode = photoPostMode(body);
    if (typeof mode !== 'string') return refuse(ctx, mode);
    // §5.5: one budget of 6 inits a minute per token, shared with the video inits.
    if (!admitCaller(core, ctx, caller, [SCOPE_OF_MODE[mode]], 'init')) return;
    const account = core.account(caller.openId);
    if (!account) return sendApiError(ctx, 500, 'internal_error', 'Unknown account.');
    const photo = checkPhotoInit(body, mode, account, core.options.audited, core.options.verifiedUrlPrefixes);
    if (!photo.ok) return refuse(ctx, photo);
    // §5.4/§9: MEDIA_UPLOAD counts toward the inbox's pending-share cap, DIRECT_POST toward the daily post cap.
    const block = photo.kind === 'direct' ? directPostingBlock(core, account) : inboxPostingBlock(core, account);
    if (block) return core.refuseApi(ctx, block.rule, 403, block.code, block.message);

    const publish = core.publishes.create({
      openId: caller.openId,
      kind: photo.kind,
      mediaType: 'PHOTO',
      source: 'PULL_FROM_URL',
      privacyLevel: photo.privacyLevel,
      initBody: body,
    });
    const sourceKey = `photos:${photo.imageUrls.join(' ')}`;
    core.state.inits.push({
      openId: caller.openId,
      kind: photo.kind,
      sourceKey,
      publishId: publish.publishId,
      time: core.now(),
    });
    startPhotoPull(core, publish, photo.imageUrls);
    sendApiOk(ctx, { publish_id: publish.publishId });
  };

  return { 'POST /v2/post/publish/content/init/': init };
}
