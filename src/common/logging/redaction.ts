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

// The keys are plain words and dashes: nothing in them needs escaping. Any case: `Authorization` too.
const SECRET_KEY = new RegExp(`"(?:${SECRET_KEYS.join('|')})":`, 'gi');
const CENSORED = '"[redacted]"';

/**
 * Censors the value of every secret key, at any depth, in one finished JSON log line (pino's `streamWrite` hook).
 * Working on the line costs one regular-expression scan per line, where pino's own path-based redaction walked
 * every logged object once per path. A key can only match where it really is a key: inside a JSON string every
 * quote is escaped.
 */
export function redactLogLine(line: string): string {
  let out = '';
  let from = 0;
  SECRET_KEY.lastIndex = 0;
  for (let match = SECRET_KEY.exec(line); match; match = SECRET_KEY.exec(line)) {
    const valueStart = match.index + match[0].length;
    const valueEnd = endOfJsonValue(line, valueStart);
    out += line.slice(from, valueStart) + CENSORED;
    from = valueEnd;
    SECRET_KEY.lastIndex = valueEnd;
  }
  return from === 0 ? line : out + line.slice(from);
}

/** Where the JSON value starting at `start` ends (exclusive): a string, an object or array, or a bare literal. */
function endOfJsonValue(json: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < json.length; i++) {
    const c = json[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') {
        inString = false;
        if (depth === 0) return i + 1;
      }
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      if (depth === 0) return i;
      if (--depth === 0) return i + 1;
    } else if (c === ',' && depth === 0) return i;
  }
  return json.length;
}

/** Replaces secret query values in a URL path so request lines can be logged. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  for (const key of [...params.keys()]) if (SECRET_QUERY_PARAMS.test(key)) params.set(key, '[redacted]');
  return `${url.slice(0, q)}?${params.toString()}`;
}
