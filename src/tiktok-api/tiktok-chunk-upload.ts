import { TikTokUnavailableError, type TikTokUploadRejection, TikTokUploadRejectedError } from './tiktok-api.error';
import type { TikTokByteRange, TikTokChunkPut, TikTokChunkResult } from './tiktok-api.models';
import { headerValue, type TikTokHttp } from './tiktok-http';

const ENDPOINT = 'upload_chunk';

// docs/tiktok.md §6.2: what each refusal of the upload URL means.
const REJECTIONS: Record<number, TikTokUploadRejection> = {
  400: 'bad_request',
  403: 'upload_url_expired',
  404: 'upload_task_not_found',
  416: 'range_mismatch',
};

/** `bytes 0-9999999/50000123` → range; undefined when the header is absent, malformed or has no range. */
function parseContentRange(value: string | undefined): TikTokByteRange | undefined {
  const match = /^bytes\s+(\d+)-(\d+)\/(\d+)$/i.exec(value?.trim() ?? '');
  if (!match) return undefined;
  const [start, end, total] = match.slice(1).map(Number);
  return { start, end, total };
}

function assertRangeInside(chunk: TikTokChunkPut, fileSize: number): void {
  const { start, end, totalBytes } = chunk;
  const valid = [start, end, totalBytes].every(Number.isSafeInteger) && start >= 0 && start <= end && end < totalBytes;
  if (!valid) throw new RangeError(`Invalid chunk range ${start}-${end}/${totalBytes}.`);
  if (fileSize < end + 1) throw new RangeError(`The stored video holds ${fileSize} bytes; the chunk ends at ${end}.`);
}

/**
 * docs/tiktok.md §6.2: PUT one byte range to the opaque upload URL, streamed from storage (constant memory).
 * No Authorization header is documented for the upload URL, so none is sent.
 */
export async function putVideoChunk(
  http: TikTokHttp,
  chunk: TikTokChunkPut,
  timeoutMs: number,
): Promise<TikTokChunkResult> {
  assertRangeInside(chunk, chunk.storedBytes);
  const { start, end, totalBytes } = chunk;
  const response = await http.send({
    endpoint: ENDPOINT,
    retry: 'safe',
    method: 'PUT',
    url: chunk.uploadUrl,
    headers: {
      'content-type': chunk.contentType,
      'content-length': String(end - start + 1),
      'content-range': `bytes ${start}-${end}/${totalBytes}`,
    },
    body: chunk.body,
    timeoutMs,
  });

  const uploadedRange = parseContentRange(headerValue(response, 'content-range'));
  const logId = headerValue(response, 'x-tt-logid');
  if (response.httpStatus === 201 || response.httpStatus === 206) {
    return { status: response.httpStatus, uploadedRange };
  }
  if (response.httpStatus >= 500) {
    throw new TikTokUnavailableError({
      endpoint: ENDPOINT,
      reason: 'server_error',
      deliveryUnknown: true,
      httpStatus: response.httpStatus,
      logId,
    });
  }
  const reason = REJECTIONS[response.httpStatus] ?? 'unexpected_status';
  throw new TikTokUploadRejectedError(reason, response.httpStatus, uploadedRange, logId);
}
