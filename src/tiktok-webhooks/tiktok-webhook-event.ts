import { int64ToDecimalString, parseTikTokJson } from '../tiktok-api/tiktok-json';
import type { TikTokPublishEvent } from '../uploads/upload-events';
import {
  TikTokAuthorizationRemovedContentWire,
  TikTokPublishContentWire,
  TikTokWebhookEnvelopeWire,
} from './tiktok-webhook.types';

export interface TikTokWebhookEnvelope {
  clientKey: string;
  event: string;
  /** Unix seconds. */
  createTime: number;
  userOpenId: string;
  content: string;
}

/** What one event asks of us. */
export type TikTokWebhookAction =
  | { kind: 'publish'; publishId: string; event: TikTokPublishEvent }
  | { kind: 'authorization_removed'; reason: string }
  | { kind: 'ignored' }
  | { kind: 'invalid'; problem: string };

/** docs/tiktok.md §10.3: the documented spelling and the third-party one are both accepted. */
const NO_LONGER_AVAILABLE = ['post.publish.no_longer_publicaly_available', 'post.publish.no_longer_available'];

/** docs/tiktok.md §10.3 `authorization.removed` reasons. */
const REMOVAL_REASONS = [
  'unknown',
  'user_disconnected',
  'account_deleted',
  'age_changed',
  'account_banned',
  'developer_revoked',
];

export const KNOWN_TIKTOK_EVENTS = [
  'authorization.removed',
  'post.publish.failed',
  'post.publish.complete',
  'post.publish.inbox_delivered',
  'post.publish.publicly_available',
  ...NO_LONGER_AVAILABLE,
];

/** Event names come from outside: unknown ones share one metric label so they cannot grow it without bound. */
export function tiktokEventLabel(event: string): string {
  return KNOWN_TIKTOK_EVENTS.includes(event) ? event : 'other';
}

/** The outer JSON (first parse), or undefined when any field is missing or of the wrong type. */
export function parseTikTokWebhookEnvelope(rawBody: Buffer): TikTokWebhookEnvelope | undefined {
  const wire = parseTikTokJson(rawBody.toString('utf8')) as Partial<TikTokWebhookEnvelopeWire> | undefined;
  if (!wire || typeof wire !== 'object') return undefined;
  const { client_key, event, create_time, user_openid, content } = wire;
  if (typeof client_key !== 'string' || typeof event !== 'string' || event.length > 100) return undefined;
  if (typeof user_openid !== 'string' || user_openid.length > 128 || typeof content !== 'string') return undefined;
  if (typeof create_time !== 'number' || !Number.isSafeInteger(create_time) || create_time < 0) return undefined;
  return { clientKey: client_key, event, createTime: create_time, userOpenId: user_openid, content };
}

/** Reads `content` (second parse, int64-exact) into what the event asks of us. */
export function readTikTokWebhookAction(event: string, content: string): TikTokWebhookAction {
  if (!KNOWN_TIKTOK_EVENTS.includes(event)) return { kind: 'ignored' };
  const parsed = parseTikTokJson(content);
  if (!parsed || typeof parsed !== 'object') return { kind: 'invalid', problem: 'content is not a JSON object' };
  if (event === 'authorization.removed') return authorizationRemoved(parsed as TikTokAuthorizationRemovedContentWire);
  const wire = parsed as TikTokPublishContentWire;
  if (typeof wire.publish_id !== 'string' || wire.publish_id === '') {
    return { kind: 'invalid', problem: 'publish_id is missing' };
  }
  const publishEvent = toPublishEvent(event, wire);
  return publishEvent ? { kind: 'publish', publishId: wire.publish_id, event: publishEvent } : invalidPostId();
}

function toPublishEvent(event: string, wire: TikTokPublishContentWire): TikTokPublishEvent | undefined {
  if (event === 'post.publish.inbox_delivered') return { kind: 'inbox_delivered' };
  if (event === 'post.publish.complete') return { kind: 'complete' };
  if (event === 'post.publish.failed') {
    return { kind: 'failed', reason: typeof wire.reason === 'string' && wire.reason ? wire.reason : 'unknown' };
  }
  const postId = exactPostId(wire.post_id);
  if (postId === undefined) return undefined;
  if (event === 'post.publish.publicly_available') return { kind: 'publicly_available', postId };
  return { kind: 'no_longer_available', postId };
}

/** docs/tiktok.md §13 "int64 ids": a bare number or a string, kept as exact decimal digits. */
function exactPostId(value: unknown): string | undefined {
  if (typeof value === 'bigint' || (typeof value === 'number' && Number.isSafeInteger(value))) {
    return int64ToDecimalString(value);
  }
  return typeof value === 'string' && /^\d{1,20}$/.test(value) ? value : undefined;
}

function authorizationRemoved(wire: TikTokAuthorizationRemovedContentWire): TikTokWebhookAction {
  const code = typeof wire.reason === 'number' && Number.isInteger(wire.reason) ? wire.reason : 0;
  return { kind: 'authorization_removed', reason: REMOVAL_REASONS[code] ?? `reason_${code}` };
}

function invalidPostId(): TikTokWebhookAction {
  return { kind: 'invalid', problem: 'post_id is missing or not an integer' };
}
