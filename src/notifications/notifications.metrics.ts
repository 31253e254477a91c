import { counter, gauge } from '../metrics/metric';

export const notificationsTotal = counter({
  name: 'gateway_notifications_total',
  help: 'Delivery attempts of tenant notifications, by type and outcome (delivered, retry, failed)',
  labelNames: ['type', 'outcome'],
});

export const outboxBacklog = gauge({
  name: 'gateway_outbox_backlog',
  help: 'Tenant notifications not yet delivered',
});

export const outboxOldestPendingAgeSeconds = gauge({
  name: 'gateway_outbox_oldest_pending_age_seconds',
  help: 'Age of the oldest undelivered tenant notification (0 when none)',
});
