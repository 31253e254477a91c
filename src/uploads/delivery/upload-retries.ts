import { TikTokApiError, TikTokUnavailableError } from '../../tiktok-api/tiktok-api.error';
import { UploadErrorInfo } from '../upload.entity';

/** How often a step is tried before the upload ends failed. */
export const MAX_ATTEMPTS = 6;

export function backoffMs(attempts: number): number {
  const base = Math.min(30_000, 1000 * 2 ** attempts);
  return base / 2 + Math.random() * (base / 2);
}

export function tiktokInfo(error: TikTokApiError | TikTokUnavailableError): UploadErrorInfo {
  return {
    code: error.code,
    message: error.message,
    tiktokCode: error instanceof TikTokApiError ? error.tiktokCode : (error.details?.code as string | undefined),
    logId: error.logId,
  };
}

export function uploadUrlAad(uploadId: string): string {
  return `upload:${uploadId}:upload_url`;
}
