/** What TikTok's post.publish.* webhooks say about a publish (docs/tiktok.md §10.3), as the state machine reads it. */
export type TikTokPublishEvent =
  | { kind: 'inbox_delivered' }
  | { kind: 'complete' }
  | { kind: 'publicly_available'; postId: string }
  | { kind: 'failed'; reason: string }
  | { kind: 'no_longer_available'; postId: string };
