/**
 * Sorts a failed HTTP attempt (no response) by whether the request can have reached TikTok.
 * Codes are Node's socket errors and undici's (`UND_ERR_*`).
 */
export type TransportFailure = 'before_send' | 'after_send' | 'local';

const NEVER_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

// Our own mistakes (bad arguments, a body shorter than Content-Length): repeating cannot help.
const LOCAL = new Set([
  'UND_ERR_INVALID_ARG',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_NOT_SUPPORTED',
  'ENOENT',
  'EISDIR',
  'EACCES',
]);

const TIMEOUTS = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function classifyTransportFailure(error: unknown): TransportFailure {
  const code = errorCode(error);
  if (code !== undefined && NEVER_CONNECTED.has(code)) return 'before_send';
  if (code !== undefined && LOCAL.has(code)) return 'local';
  // Resets, "other side closed", header/body timeouts, unknown errors: the request may have arrived.
  return 'after_send';
}

export function isTimeout(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && TIMEOUTS.has(code);
}
