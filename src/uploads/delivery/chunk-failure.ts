import { TikTokApiError, TikTokUnavailableError, TikTokUploadRejectedError } from '../../tiktok-api/tiktok-api.error';
import { UploadErrorInfo } from '../upload.entity';
import { backoffMs, MAX_ATTEMPTS, tiktokInfo } from './upload-retries';

/** The `cause` label of the chunk-retries metric. */
export type ChunkRetryCause = 'range_mismatch' | 'upload_url_expired' | 'unavailable';

/**
 * What to do after a failed chunk PUT. `cause` is set whenever the failure counts as a chunk retry, even for the
 * 416 that cannot be reconciled and then fails.
 */
export type ChunkFailureDecision =
  | { kind: 'continue'; uploadedBytes: number; uploadedChunks: number; attempts: number; cause: ChunkRetryCause }
  | { kind: 'all_sent'; cause: ChunkRetryCause }
  | { kind: 'reinit'; cause: ChunkRetryCause }
  | { kind: 'retry'; at: Date; attempts: number; error: UploadErrorInfo; cause: ChunkRetryCause }
  | { kind: 'fail'; error: UploadErrorInfo; cause?: ChunkRetryCause }
  | { kind: 'rethrow' };

export interface ChunkAttempt {
  /** Failed chunk attempts since the last chunk TikTok accepted. */
  attempts: number;
  videoSizeBytes: number;
  chunkSize: number;
  now: Date;
}

/** docs/design.md, upload state machine: `uploading` → `uploading` / `processing` / `failed`. */
export function chunkFailure(error: unknown, attempt: ChunkAttempt): ChunkFailureDecision {
  const { attempts, videoSizeBytes, chunkSize, now } = attempt;
  if (error instanceof TikTokUploadRejectedError && error.reason === 'range_mismatch' && attempts < MAX_ATTEMPTS) {
    // 416: TikTok's progress header says what it really holds; continue from there (§6.2).
    const cause = 'range_mismatch';
    const received = error.uploadedRange ? error.uploadedRange.end + 1 : 0;
    if (received >= videoSizeBytes) return { kind: 'all_sent', cause };
    if (received % chunkSize === 0) {
      return {
        kind: 'continue',
        uploadedBytes: received,
        uploadedChunks: received / chunkSize,
        attempts: attempts + 1,
        cause,
      };
    }
    // A range that ends inside a chunk gives no chunk to resume from: TikTok's refusal stands.
    return refused(error, cause);
  }
  if (error instanceof TikTokUploadRejectedError && error.reason === 'upload_url_expired') {
    // The old publish can never complete without its bytes, so a fresh init cannot post the video twice.
    return { kind: 'reinit', cause: 'upload_url_expired' };
  }
  if (error instanceof TikTokUnavailableError && attempts + 1 < MAX_ATTEMPTS) {
    return {
      kind: 'retry',
      at: new Date(now.getTime() + backoffMs(attempts)),
      attempts: attempts + 1,
      error: { code: 'tiktok_unavailable', message: 'TikTok did not accept a chunk; retrying.' },
      cause: 'unavailable',
    };
  }
  if (error instanceof TikTokApiError) return refused(error);
  return { kind: 'rethrow' };
}

function refused(error: TikTokApiError, cause?: ChunkRetryCause): ChunkFailureDecision {
  return { kind: 'fail', error: { ...tiktokInfo(error), code: error.tiktokCode, message: error.message }, cause };
}
