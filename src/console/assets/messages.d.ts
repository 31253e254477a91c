// Types for the unit tests; the browser loads messages.js as is.
export interface DescribableError {
  code?: string;
  message?: string;
  details?: Record<string, unknown>;
  requestId?: string;
  retryAfter?: number;
  tiktokCode?: string;
  logId?: string;
}
export declare const ERROR_MESSAGES: Record<string, string>;
export declare const TIKTOK_CODES: Record<string, string>;
export declare const FAIL_REASONS: Record<string, string>;
export declare const CONNECT_FAILURES: Record<string, string>;
export declare const STATUS_LABELS: Record<string, string>;
export declare const PRIVACY_LABELS: Record<string, string>;
export declare const PHOTO_STATUS_LABELS: Record<string, string>;
export declare const FINAL_STATUSES: string[];
export declare const CAPTION_LIMIT: number;
export declare function describeError(error: DescribableError): string;
export declare function describePhotoError(error: DescribableError): string;
export declare function describeFailReason(reason: string | null | undefined): string;
export declare function describeStage(upload: {
  status: string;
  mediaType?: string;
  progress?: { uploadedChunks?: number; totalChunks?: number | null };
  failReason?: string | null;
  error?: DescribableError | string | null;
}): string;
export declare function formatBytes(bytes: number): string;
export declare function captionLength(text: string): number;
export declare function localDateTimeToIso(value: string): string | undefined;
export declare function describeTimeZone(now?: Date): string;
