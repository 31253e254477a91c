import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const API_KEY_PREFIX = 'tgw_live_';
/** The demo tenant's key in sandbox mode says so; it is looked up and checked like any other key. */
export const SANDBOX_API_KEY_PREFIX = 'tgw_sandbox_';
const KNOWN_PREFIXES = [API_KEY_PREFIX, SANDBOX_API_KEY_PREFIX];
/** Characters of the random part stored in clear, so a key's row is found by an index rather than by its hash. */
export const API_KEY_LOOKUP_ID_LENGTH = 12;

const API_KEY_SECRET_BYTES = 32;
const API_KEY_BODY_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const PREFIX_PATTERN = /^[a-z][a-z0-9_]{0,19}$/;

export interface GeneratedApiKey {
  /** Shown to the caller once, never stored. */
  key: string;
  prefix: string;
  /** Non-secret: stored in clear and indexed. */
  lookupId: string;
}

/**
 * `<prefix><43 base64url chars>`; the first 12 of those (72 bits) are the lookup id, leaving 184 secret bits that
 * only the SHA-256 of the whole key on the row can confirm. The visible prefix lets secret scanners spot leaks.
 */
export function generateApiKey(prefix = API_KEY_PREFIX): GeneratedApiKey {
  if (!PREFIX_PATTERN.test(prefix)) throw new Error('API key prefix must be 1-20 characters of a-z 0-9 _');
  const body = randomBytes(API_KEY_SECRET_BYTES).toString('base64url');
  return { key: `${prefix}${body}`, prefix, lookupId: body.slice(0, API_KEY_LOOKUP_ID_LENGTH) };
}

/**
 * The lookup id of a presented key, or undefined when it cannot be one of ours (refuse without a query). The prefix
 * is not part of the lookup id; the hash of the whole key still tells a sandbox key from a live one.
 */
export function apiKeyLookupId(key: string, prefixes: readonly string[] = KNOWN_PREFIXES): string | undefined {
  const prefix = prefixes.find((candidate) => key.startsWith(candidate));
  if (prefix === undefined) return undefined;
  const body = key.slice(prefix.length);
  return API_KEY_BODY_PATTERN.test(body) ? body.slice(0, API_KEY_LOOKUP_ID_LENGTH) : undefined;
}

/**
 * Hex SHA-256. A slow password hash (bcrypt, scrypt) defends guessable human passwords; these secrets are 128+
 * random bits from `randomToken`/`generateApiKey`, so brute force of a leaked hash is already hopeless and a fast
 * hash keeps per-request API-key checks cheap.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time equality of two hashes (their length is public, so a length mismatch may return early). */
export function secretsEqual(hashA: string, hashB: string): boolean {
  const a = Buffer.from(hashA, 'utf8');
  const b = Buffer.from(hashB, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** URL-safe random secret for connect tickets, OAuth state and cookies; below 128 bits it would be guessable. */
export function randomToken(bytes = 32): string {
  if (!Number.isSafeInteger(bytes) || bytes < 16) throw new Error('random tokens need at least 16 bytes');
  return randomBytes(bytes).toString('base64url');
}
