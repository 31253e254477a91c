import { counter } from '../metrics/metric';

export const tiktokWebhooksReceivedTotal = counter({
  name: 'tiktok_webhooks_received_total',
  help: 'TikTok webhooks received, by event (unknown names grouped as "other") and outcome',
  labelNames: ['event', 'outcome'],
});

export const tiktokWebhooksProcessedTotal = counter({
  name: 'tiktok_webhooks_processed_total',
  help: 'Accepted TikTok webhook events processed, by event and outcome (applied, ignored, invalid, retry, failed)',
  labelNames: ['event', 'outcome'],
});
