import type { InitGroup, PostSummary, PublishSummary, SandboxStats } from './sandbox-control';
import type { SandboxCore } from './sandbox-core';
import { readBody, sendJson, type RouteContext, type RouteTable } from './sandbox-http';
import type { ChunkFaultMode, Publish, SandboxPost } from './sandbox-state';
import { SCENARIO_ACCOUNTS, SEEDED_POSTS } from './scenario-accounts';

const CHUNK_FAULT_MODES: ChunkFaultMode[] = ['status', 'drop', 'drop_after_accept'];

class ControlInputError extends Error {}

function summarize(publish: Publish): PublishSummary {
  return {
    publishId: publish.publishId,
    openId: publish.openId,
    kind: publish.kind,
    mediaType: publish.mediaType,
    source: publish.source,
    initBody: publish.initBody,
    images: publish.images,
    status: publish.status,
    failReason: publish.failReason,
    postIds: publish.postIds.map((id) => id.toString()),
    uploadedBytes: publish.upload?.receivedBytes,
    downloadedBytes: publish.pull?.downloadedBytes,
    putCount: publish.upload?.putCount ?? 0,
    receivedSha256: publish.upload?.digest?.copy().digest('hex'),
    statusFetches: publish.statusFetches,
    createdAt: publish.createdAt,
  };
}

function summarizePost(post: SandboxPost): PostSummary {
  const { id, openId, mediaType, createTimeMs, privacyLevel, title, description, viewCount } = post;
  return {
    id: id.toString(),
    openId,
    mediaType,
    createTimeMs,
    privacyLevel,
    title,
    description,
    viewCount: viewCount.toString(),
  };
}

function count(body: Record<string, unknown>, key = 'count'): number {
  const value = body[key];
  if (!Number.isSafeInteger(value) || (value as number) < 0)
    throw new ControlInputError(`${key} must be an integer ≥ 0`);
  return value as number;
}

function text(body: Record<string, unknown>, key: string): string {
  if (typeof body[key] !== 'string' || !body[key]) throw new ControlInputError(`${key} is required`);
  return body[key] as string;
}

/** The test-only control API under /sandbox/ (JSON in, JSON out). */
export function controlRoutes(core: SandboxCore): RouteTable {
  const { state } = core;
  const ok = { ok: true };

  const publishOf = (body: Record<string, unknown>): Publish => {
    const publish = state.publishes.get(text(body, 'publishId'));
    if (!publish) throw new ControlInputError('unknown publishId');
    return publish;
  };

  const actions: Record<string, (body: Record<string, unknown>) => unknown> = {
    'POST /sandbox/reset': () => (core.reset(), ok),
    'GET /sandbox/accounts': () => SCENARIO_ACCOUNTS,
    'POST /sandbox/faults/chunk-puts': (body) => {
      const mode = (body.mode ?? 'status') as ChunkFaultMode;
      if (!CHUNK_FAULT_MODES.includes(mode)) throw new ControlInputError(`mode must be ${CHUNK_FAULT_MODES.join('|')}`);
      const status = body.status === undefined ? 500 : count(body, 'status');
      if (status < 500 || status > 599) throw new ControlInputError('status must be 5xx');
      state.faults.chunkPuts = { remaining: count(body), mode, status };
      return ok;
    },
    'POST /sandbox/faults/inits': (body) => ((state.faults.inits429 = count(body)), ok),
    'POST /sandbox/faults/status-fetches': (body) => ((state.faults.statusFetches429 = count(body)), ok),
    'POST /sandbox/faults/latency': (body) => ((state.faults.latencyMs = count(body, 'delayMs')), ok),
    'POST /sandbox/faults/token-delay': (body) => ((state.faults.tokenDelayMs = count(body, 'delayMs')), ok),
    'POST /sandbox/tokens/expire': (body) => ({
      expired:
        typeof body.openId === 'string'
          ? core.tokens.expireUserAccessTokens(body.openId)
          : Number(core.tokens.expireAccessToken(text(body, 'accessToken'))),
    }),
    'POST /sandbox/uploads/expire': (body) => {
      const targets = body.publishId ? [publishOf(body)] : [...state.publishes.values()];
      const tasks = targets.flatMap((p) => (p.upload ? [p.upload] : []));
      for (const task of tasks) task.expiresAt = Math.min(task.expiresAt, core.now());
      return { expired: tasks.length };
    },
    'POST /sandbox/publishes/fail': (body) => {
      const reason = text(body, 'reason');
      if (body.publishId) publishOf(body).failNextObservation = reason;
      else state.faults.failNextPublish = reason;
      return ok;
    },
    'POST /sandbox/publishes/complete': (body) => {
      const publish = publishOf(body);
      if (publish.status !== 'SEND_TO_USER_INBOX') throw new ControlInputError('publish is not in SEND_TO_USER_INBOX');
      core.publishes.complete(publish, body.postCount === undefined ? 1 : count(body, 'postCount'));
      return summarize(publish);
    },
    'POST /sandbox/authorizations/remove': (body) => {
      const openId = text(body, 'openId');
      const families = [...state.families.values()].filter((f) => f.openId === openId && !f.revoked);
      for (const family of families) family.revoked = true;
      core.publishes.failAllInProgressOf(openId, 'auth_removed');
      const reason = body.reason === undefined ? 1 : count(body, 'reason');
      core.webhooks.emit('authorization.removed', openId, JSON.stringify({ reason }));
      return { revoked: families.length };
    },
    'POST /sandbox/accounts/settings': (body) => {
      const openId = text(body, 'openId');
      if (!SCENARIO_ACCOUNTS.some((a) => a.openId === openId)) throw new ControlInputError('unknown openId');
      const change = { ...state.accountChanges.get(openId) };
      if (body.privateAccount !== undefined) {
        if (typeof body.privateAccount !== 'boolean') throw new ControlInputError('privateAccount must be a boolean');
        change.privateAccount = body.privateAccount;
      }
      if (body.maxVideoPostDurationSec !== undefined) {
        change.maxVideoPostDurationSec = count(body, 'maxVideoPostDurationSec');
      }
      state.accountChanges.set(openId, change);
      return ok;
    },
    'POST /sandbox/webhook': (body) => {
      core.options.webhookUrl = typeof body.url === 'string' ? body.url : undefined;
      return ok;
    },
    'GET /sandbox/requests': () => state.requests,
    'GET /sandbox/violations': () => state.violations,
    'GET /sandbox/publishes': () => [...state.publishes.values()].map(summarize),
    'GET /sandbox/posts': () =>
      [...SEEDED_POSTS, ...state.posts].sort((a, b) => b.createTimeMs - a.createTimeMs).map(summarizePost),
    'GET /sandbox/webhooks/deliveries': () => core.webhooks.deliveries,
    'GET /sandbox/stats': (): SandboxStats => {
      const groups = new Map<string, InitGroup>();
      for (const i of state.inits) {
        const key = `${i.openId} ${i.kind} ${i.sourceKey}`;
        const group = groups.get(key) ?? {
          openId: i.openId,
          kind: i.kind,
          sourceKey: i.sourceKey,
          count: 0,
          publishIds: [],
        };
        group.count += 1;
        group.publishIds.push(i.publishId);
        groups.set(key, group);
      }
      return {
        requestCount: state.requests.length,
        violationCount: state.violations.length,
        refreshTokenReused: state.refreshTokenReused,
        inits: [...groups.values()],
      };
    },
  };

  return Object.fromEntries(
    Object.entries(actions).map(([route, action]) => [
      route,
      async (ctx: RouteContext) => {
        try {
          const raw = ctx.req.method === 'POST' ? await readBody(ctx.req) : '';
          const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
          sendJson(ctx.res, 200, action(body));
        } catch (error) {
          const bad = error instanceof ControlInputError || error instanceof SyntaxError;
          sendJson(ctx.res, bad ? 400 : 500, { error: (error as Error).message });
        }
      },
    ]),
  );
}
