import { counter, gauge } from '../metrics/metric';

export const uploadsFinishedTotal = counter({
  name: 'tiktok_uploads_finished_total',
  help: 'Uploads that reached a final status, by mode, status and fail reason',
  labelNames: ['mode', 'status', 'reason'],
});

export const uploadBytesSentTotal = counter({
  name: 'tiktok_upload_bytes_sent_total',
  help: 'Video bytes TikTok acknowledged',
});

export const chunkRetriesTotal = counter({
  name: 'tiktok_upload_chunk_retries_total',
  help: 'Chunk transfers tried again, by cause',
  labelNames: ['cause'],
});

export const uploadsRejectedTotal = counter({
  name: 'tiktok_uploads_rejected_total',
  help: 'Uploads refused before anything reached TikTok, by rule',
  labelNames: ['rule'],
});

export const eventStreamsOpen = gauge({
  name: 'gateway_upload_event_streams',
  help: 'Open upload event streams (GET /api/tiktok/uploads/{id}/events)',
});

export const eventStreamsRefusedTotal = counter({
  name: 'gateway_upload_event_streams_refused_total',
  help: 'Upload event streams refused for being over a cap, by cap (per_key, total)',
  labelNames: ['reason'],
});
