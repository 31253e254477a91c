/** The notification types sent to tenants (README "Webhooks"). */
export const NOTIFICATION_TYPES = [
  'upload.updated',
  'upload.completed',
  'upload.failed',
  'connection.connected',
  'connection.reauth_required',
  'connection.removed',
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export interface OutboxEvent {
  tenantId: string;
  type: NotificationType;
  /** The notification's `data`; JSON-serialisable, never a secret. */
  data: object;
  /** Events sharing a key (an upload id, a connection id) are delivered one after another, in enqueue order. */
  orderingKey?: string;
}
