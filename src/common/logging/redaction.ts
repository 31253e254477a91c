/** Query parameters that carry secrets (OAuth codes, states, connect tickets, tokens). */
const SECRET_QUERY_PARAMS =
  /^(code|state|ticket|access_token|refresh_token|token|client_secret|api_key|code_verifier)$/i;

/** Keys whose values never reach a log line, wherever they appear in a logged object. */
const SECRET_KEYS = [
  'authorization',
  'x-api-key',
  'x-admin-key',
  'cookie',
  'set-cookie',
  'tiktok-signature',
  'x-gateway-signature',
  'apiKey',
  'adminApiKey',
  'accessToken',
  'refreshToken',
  'access_token',
  'refresh_token',
  'code',
  'codeVerifier',
  'code_verifier',
  'clientSecret',
  'client_secret',
  'webhookSecret',
  'tokenEncryptionKeys',
  'password',
  'ticket',
];

/** pino `redact.paths`: each secret key at the top and down to three levels deep. */
export const REDACT_PATHS = SECRET_KEYS.flatMap((key) => {
  const k = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
  const sep = k.startsWith('[') ? '' : '.';
  return [k, `*${sep}${k}`, `*.*${sep}${k}`, `*.*.*${sep}${k}`];
});

/** Replaces secret query values in a URL path so request lines can be logged. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  for (const key of [...params.keys()]) if (SECRET_QUERY_PARAMS.test(key)) params.set(key, '[redacted]');
  return `${url.slice(0, q)}?${params.toString()}`;
}
