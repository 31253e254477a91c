import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignatureCheck =
  { ok: true; timestamp: number } | { ok: false; reason: 'missing' | 'malformed' | 'mismatch' | 'stale' };

const TIMESTAMP_PATTERN = /^\d{1,12}$/;
const HEX_SHA256_PATTERN = /^[0-9a-f]{64}$/i;

/**
 * `t=<unix>,s=<hex>` with HMAC-SHA256 over `t + "." + body`: TikTok's `TikTok-Signature` (docs/tiktok.md §10.4)
 * and our own `X-Gateway-Signature` to tenants (README "Webhooks") share this one scheme.
 */
export function signPayload(secret: string | Buffer, body: string | Buffer, timestampSec: number): string {
  if (!Number.isSafeInteger(timestampSec) || timestampSec < 0) {
    throw new Error('signature timestamp must be a non-negative whole number of seconds');
  }
  return `t=${timestampSec},s=${hmacHex(secret, String(timestampSec), body)}`;
}

/**
 * Checks the signature before the age, so a forged header learns nothing about our clock window.
 * `rawBody` must be the exact bytes received: re-serialised JSON would not match.
 */
export function verifySignature(
  header: string | undefined | null,
  secret: string | Buffer,
  rawBody: string | Buffer,
  nowSec: number,
  toleranceSec: number,
): SignatureCheck {
  if (header === undefined || header === null || header.trim() === '') return { ok: false, reason: 'missing' };
  const fields = parseSignatureHeader(header);
  const t = fields?.get('t');
  const s = fields?.get('s');
  if (!t || !s || !TIMESTAMP_PATTERN.test(t) || !HEX_SHA256_PATTERN.test(s)) return { ok: false, reason: 'malformed' };

  const expected = Buffer.from(hmacHex(secret, t, rawBody), 'hex');
  const given = Buffer.from(s, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'mismatch' };

  const timestamp = Number(t);
  // docs/tiktok.md §10.4: reject stale `t`; a `t` far in the future is refused too, or a leaked one stays valid.
  if (Math.abs(nowSec - timestamp) > toleranceSec) return { ok: false, reason: 'stale' };
  return { ok: true, timestamp };
}

// docs/tiktok.md §10.4: split on `,`, then on `=`. Spacing, order and empty elements are tolerated; repeats are not.
function parseSignatureHeader(header: string): Map<string, string> | undefined {
  const fields = new Map<string, string>();
  for (const element of header.split(',')) {
    if (element.trim() === '') continue;
    const separator = element.indexOf('=');
    if (separator < 0) return undefined;
    const key = element.slice(0, separator).trim().toLowerCase();
    if (fields.has(key)) return undefined;
    fields.set(key, element.slice(separator + 1).trim());
  }
  return fields;
}

function hmacHex(secret: string | Buffer, timestamp: string, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}
