import { counter, gauge } from '../metrics/metric';

export const connectsTotal = counter({
  name: 'tiktok_connects_total',
  help: 'Connect flows by outcome (connected, or the failure reason)',
  labelNames: ['outcome'],
});

export const tokenRefreshesTotal = counter({
  name: 'tiktok_token_refreshes_total',
  help: 'Access-token refreshes by result',
  labelNames: ['result', 'trigger'],
});

export const connectionsByStatus = gauge({
  name: 'tiktok_connections',
  help: 'Connections by status',
  labelNames: ['status'],
});

export const soonestExpirySeconds = gauge({
  name: 'tiktok_access_token_soonest_expiry_seconds',
  help: 'Seconds until the soonest access-token expiry among active connections (negative when overdue)',
});
