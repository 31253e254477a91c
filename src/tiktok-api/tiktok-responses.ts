import { TikTokApiError, TikTokUnavailableError } from './tiktok-api.error';
import type { TikTokEnvelope, TikTokEnvelopeError, TikTokOAuthErrorBody } from './tiktok-api.types';
import { headerValue, type TikTokHttpResponse } from './tiktok-http';
import { parseTikTokJson } from './tiktok-json';
import { parseRetryAfterSeconds } from './retry-policy';

/** A TikTok answer judged successful, with what is needed to report a later problem with its content. */
export interface TikTokAccepted<T> {
  body: T;
  logId?: string;
  httpStatus: number;
}

type JsonObject = Record<string, unknown>;

function asObject(value: unknown): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function isSuccessStatus(httpStatus: number): boolean {
  return httpStatus >= 200 && httpStatus < 300;
}

/** Not every TikTok answer has a body; TikTok's gateways also put the log id in a header. */
function headerLogId(response: TikTokHttpResponse): string | undefined {
  return headerValue(response, 'x-tt-logid');
}

function refusal(response: TikTokHttpResponse, code: string, description: string | undefined, logId?: string) {
  return new TikTokApiError({
    tiktokCode: code,
    message: description ? `TikTok refused the request: ${description}` : `TikTok refused the request (${code}).`,
    logId: logId ?? headerLogId(response),
    httpStatus: response.httpStatus,
    retryAfterSeconds:
      response.httpStatus === 429 ? parseRetryAfterSeconds(headerValue(response, 'retry-after')) : undefined,
  });
}

function fallbackCode(httpStatus: number): string {
  return httpStatus === 429 ? 'rate_limit_exceeded' : `http_${httpStatus}`;
}

export function invalidResponse(endpoint: string, accepted: { logId?: string; httpStatus: number }) {
  return new TikTokApiError({
    tiktokCode: 'invalid_response',
    message: `TikTok's ${endpoint} answer could not be understood.`,
    logId: accepted.logId,
    httpStatus: accepted.httpStatus,
  });
}

/**
 * OAuth token and revoke endpoints (flat JSON). docs/tiktok.md §13 "Token errors": an `error` field means failure
 * whatever the HTTP status, because TikTok has been seen answering 200 with one.
 */
export function readOAuthAnswer(endpoint: string, response: TikTokHttpResponse): TikTokAccepted<JsonObject> {
  const body = asObject(parseTikTokJson(response.text)) ?? {};
  const error = body as TikTokOAuthErrorBody;
  const code = optionalString(error.error);
  const logId = optionalString(error.log_id) ?? headerLogId(response);
  if (response.httpStatus >= 500) throw serverError(endpoint, response, code, logId);
  if (code) throw refusal(response, code, optionalString(error.error_description), logId);
  if (!isSuccessStatus(response.httpStatus))
    throw refusal(response, fallbackCode(response.httpStatus), undefined, logId);
  return { body, logId, httpStatus: response.httpStatus };
}

/**
 * v2 data APIs. docs/tiktok.md §4.1, §13 "Envelope" and "HTTP 200 errors": success iff `error.code` is "ok";
 * creator_info reports spam_risk_* and reached_active_user_cap with HTTP 200.
 */
export function readEnvelopeAnswer<TData>(
  endpoint: string,
  response: TikTokHttpResponse,
): TikTokAccepted<TData | undefined> {
  const envelope = (asObject(parseTikTokJson(response.text)) ?? {}) as TikTokEnvelope<TData>;
  const error = asObject(envelope.error) as Partial<TikTokEnvelopeError> | undefined;
  const code = optionalString(error?.code);
  const logId = optionalString(error?.log_id) ?? headerLogId(response);
  if (response.httpStatus >= 500) throw serverError(endpoint, response, code, logId);
  if (code !== undefined && code !== 'ok') throw refusal(response, code, optionalString(error?.message), logId);
  if (!isSuccessStatus(response.httpStatus))
    throw refusal(response, fallbackCode(response.httpStatus), undefined, logId);
  if (code !== 'ok') throw invalidResponse(endpoint, { logId, httpStatus: response.httpStatus });
  return { body: envelope.data, logId, httpStatus: response.httpStatus };
}

/** A 5xx: TikTok may or may not have acted on the request (docs/tiktok.md §9: "retry later"). */
function serverError(
  endpoint: string,
  response: TikTokHttpResponse,
  code?: string,
  logId?: string,
): TikTokUnavailableError {
  return new TikTokUnavailableError({
    endpoint,
    reason: 'server_error',
    deliveryUnknown: true,
    httpStatus: response.httpStatus,
    tiktokCode: code,
    logId,
  });
}
