import { UploadView } from '../upload.entity';
import { UploadResponse } from './upload.response';

/** The API's view of an upload row (docs/design.md, "Uploads"). */
export function toUploadResponse(upload: UploadView): UploadResponse {
  return {
    id: upload.id,
    userId: upload.userId,
    mode: upload.mode,
    source: upload.source,
    mediaType: upload.mediaType,
    status: upload.status,
    progress: {
      uploadedBytes: upload.uploadedBytes,
      totalBytes: upload.video?.sizeBytes ?? null,
      uploadedChunks: upload.uploadedChunks,
      totalChunks: upload.totalChunks ?? null,
    },
    publishId: upload.publishId ?? null,
    tiktokStatus: upload.tiktokStatus ?? null,
    failReason: upload.failReason ?? null,
    postIds: upload.postIds,
    shareUrl: upload.shareUrl ?? null,
    error: upload.error ?? null,
    video: upload.video ?? null,
    photos: upload.photos
      ? { count: upload.photos.count, coverIndex: upload.photos.coverIndex, urls: upload.photos.urls ?? null }
      : null,
    malwareScan: upload.malwareScan ?? null,
    publishAt: upload.publishAt ?? null,
    createdAt: upload.createdAt,
    updatedAt: upload.updatedAt,
  };
}
