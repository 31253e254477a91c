import { answeredInjected429, authorizeApiCall, readJsonObject, type ApiCaller } from './sandbox-api-guard';
import type { SandboxCore } from './sandbox-core';
import { sendApiOk, sendApiOkText, type RouteContext, type RouteTable } from './sandbox-http';
import type { Publish } from './sandbox-state';

/** docs/tiktok.md §8 status/fetch and §6.3 cancel. */
export function statusRoutes(core: SandboxCore): RouteTable {
  const SCOPES = ['video.upload', 'video.publish'];

  const findOwnPublish = async (ctx: RouteContext, caller: ApiCaller): Promise<Publish | undefined> => {
    const body = await readJsonObject(core, ctx);
    if (!body) return undefined;
    const publish = typeof body.publish_id === 'string' ? core.state.publishes.get(body.publish_id) : undefined;
    if (!publish) {
      core.refuseApi(ctx, 'publish.invalid_publish_id', 400, 'invalid_publish_id', 'publish_id is unknown.');
      return undefined;
    }
    if (publish.openId !== caller.openId) {
      const message = 'The access token belongs to another user than the publish.';
      core.refuseApi(ctx, 'publish.foreign_publish_id', 400, 'token_not_authorized_for_specified_publish_id', message);
      return undefined;
    }
    return publish;
  };

  const fetchStatus = async (ctx: RouteContext): Promise<void> => {
    const caller = authorizeApiCall(core, ctx, SCOPES, 'status');
    if (!caller) return;
    if (await answeredInjected429(core, ctx, 'statusFetches429')) return;
    const publish = await findOwnPublish(ctx, caller);
    if (!publish) return;
    publish.statusFetches += 1;
    core.publishes.observe(publish);
    sendApiOkText(ctx, statusDataJson(publish));
  };

  const cancel = async (ctx: RouteContext): Promise<void> => {
    const caller = authorizeApiCall(core, ctx, SCOPES, undefined);
    if (!caller) return;
    const publish = await findOwnPublish(ctx, caller);
    if (!publish) return;
    // §6.3: only PULL_FROM_URL downloads still in progress can be cancelled.
    if (!publish.pull?.downloading || core.publishes.isTerminal(publish)) {
      const message = 'Only PULL_FROM_URL publishes that are still downloading can be cancelled.';
      return core.refuseApi(ctx, 'publish.not_cancellable', 400, 'publish_not_cancellable', message);
    }
    core.publishes.fail(publish, 'publish_cancelled');
    sendApiOk(ctx, {});
  };

  return { 'POST /v2/post/publish/status/fetch/': fetchStatus, 'POST /v2/post/publish/cancel/': cancel };
}

/** Written by hand: post ids exceed 2^53 and must reach the client as bare JSON numbers, as TikTok sends them. */
export function statusDataJson(publish: Publish): string {
  const fields: string[] = [`"status":${JSON.stringify(publish.status)}`];
  if (publish.status === 'FAILED') fields.push(`"fail_reason":${JSON.stringify(publish.failReason ?? 'internal')}`);
  fields.push(`"publicaly_available_post_id":[${publish.postIds.map((id) => id.toString()).join(',')}]`);
  if (publish.upload) fields.push(`"uploaded_bytes":${publish.upload.receivedBytes}`);
  if (publish.pull) fields.push(`"downloaded_bytes":${publish.pull.downloadedBytes}`);
  return `{${fields.join(',')}}`;
}
