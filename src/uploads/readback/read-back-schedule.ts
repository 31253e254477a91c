import type { UploadChanges } from '../upload-state.service';
import type { Upload } from '../upload.entity';

/**
 * Reaching `published`, or learning a new post id while published, starts the read-back of the post's share URL
 * (share-url.job.ts) unless it is known. Written with the state change itself, so it survives restarts.
 */
export function readBackStart(upload: Upload, changes: UploadChanges): UploadChanges {
  if (upload.shareUrl || changes.shareUrl !== undefined) return {};
  if ((changes.status ?? upload.status) !== 'published') return {};
  const publishedNow = upload.status !== 'published';
  const newPostId = changes.postIds?.some((id) => !upload.postIds.includes(id)) ?? false;
  return publishedNow || newPostId ? { readBackAt: new Date(), readBackTries: 0 } : {};
}
