import type { TikTokWireInt } from '../tiktok-api/tiktok-api.types';

/**
 * TikTok's webhook wire format (docs/tiktok.md §10.2, §10.3), snake_case as sent. It lives beside the receiver
 * because tiktok-api.types.ts covers the REST API only; nothing outside this folder sees these names.
 */
export interface TikTokWebhookEnvelopeWire {
  client_key: string;
  event: string;
  create_time: TikTokWireInt;
  user_openid: string;
  /** JSON serialised as a string: parsed a second time. */
  content: string;
}

export interface TikTokPublishContentWire {
  publish_id?: unknown;
  publish_type?: unknown;
  reason?: unknown;
  /** May be a bare JSON number above 2^53, hence the bigint-safe parser. */
  post_id?: unknown;
}

export interface TikTokAuthorizationRemovedContentWire {
  reason?: unknown;
}
