import { HttpStatus } from '@nestjs/common';
import { createCipheriv, createDecipheriv, createSecretKey, KeyObject, randomBytes } from 'node:crypto';
import { AppError } from '../errors/app-error';

const FORMAT_VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]+={0,2}|[A-Za-z0-9_-]+)$/;
const BASE64URL_PATTERN = /^[A-Za-z0-9_-]*$/;

/** Keys held as KeyObjects so that logging a ring or a cipher never prints key material. */
export interface KeyRing {
  readonly currentKeyId: string;
  readonly keys: ReadonlyMap<string, KeyObject>;
}

export type TokenDecryptionFailure = 'malformed' | 'unknown_key' | 'authentication_failed';

/** The reason stays on the error for logs; the message a caller may see names no key and no data. */
export class TokenDecryptionError extends AppError {
  constructor(readonly reason: TokenDecryptionFailure) {
    super('internal_error', 'A stored credential could not be decrypted.', HttpStatus.INTERNAL_SERVER_ERROR);
  }
}

/**
 * Parses `kid:base64key[,kid:base64key...]` (TOKEN_ENCRYPTION_KEYS, README "Configuration"); the first key encrypts.
 * Errors point at the entry by position and never quote what was given, which may be a key.
 */
export function parseKeyRing(spec: string): KeyRing {
  if (spec.trim() === '') throw new Error('key ring is empty; expected kid:base64key[,kid:base64key...]');
  const entries = spec.split(',').map((entry) => entry.trim());
  const keys = new Map<string, KeyObject>();
  entries.forEach((entry, index) => {
    const where = `key ring entry ${index + 1}`;
    const separator = entry.indexOf(':');
    if (separator < 0) throw new Error(`${where} is not in the form kid:base64key`);
    const kid = entry.slice(0, separator);
    const encoded = entry.slice(separator + 1);
    if (!KEY_ID_PATTERN.test(kid)) throw new Error(`${where}: key id must be 1-32 characters of A-Z a-z 0-9 _ -`);
    if (keys.has(kid)) throw new Error(`${where}: duplicate key id "${kid}"`);
    if (!BASE64_PATTERN.test(encoded)) throw new Error(`${where} ("${kid}"): key is not base64`);
    const key = Buffer.from(encoded, encoded.includes('-') || encoded.includes('_') ? 'base64url' : 'base64');
    if (key.length !== KEY_BYTES) {
      throw new Error(`${where} ("${kid}"): key must decode to ${KEY_BYTES} bytes, got ${key.length}`);
    }
    keys.set(kid, createSecretKey(key));
  });
  return { currentKeyId: entries[0].slice(0, entries[0].indexOf(':')), keys };
}

/** A fresh `kid:base64key` entry, for documentation, setup scripts and tests. */
export function generateKeyRingEntry(kid: string): string {
  if (!KEY_ID_PATTERN.test(kid)) throw new Error('key id must be 1-32 characters of A-Z a-z 0-9 _ -');
  return `${kid}:${randomBytes(KEY_BYTES).toString('base64')}`;
}

interface SealedParts {
  kid: string;
  iv: Buffer;
  data: Buffer;
  tag: Buffer;
}

/** AES-256-GCM for tokens at rest, with a key ring so keys can rotate without re-encrypting everything at once. */
export class TokenCipher {
  readonly #ring: KeyRing;
  readonly #currentKey: KeyObject;

  constructor(keyRing: string | KeyRing) {
    this.#ring = typeof keyRing === 'string' ? parseKeyRing(keyRing) : keyRing;
    const currentKey = this.#ring.keys.get(this.#ring.currentKeyId);
    if (!currentKey) throw new Error('key ring has no key for its current key id');
    this.#currentKey = currentKey;
  }

  get currentKeyId(): string {
    return this.#ring.currentKeyId;
  }

  /** `aad` names where the value lives (e.g. `connection:<id>:access_token`) so a ciphertext cannot be moved. */
  encrypt(plaintext: string, aad: string): string {
    const kid = this.#ring.currentKeyId;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#currentKey, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(associatedData(kid, aad));
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const parts = [FORMAT_VERSION, kid, iv, data, cipher.getAuthTag()];
    return parts.map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
  }

  decrypt(ciphertext: string, aad: string): string {
    const { kid, iv, data, tag } = unseal(ciphertext);
    const key = this.#ring.keys.get(kid);
    if (!key) throw new TokenDecryptionError('unknown_key');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(associatedData(kid, aad));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
    } catch {
      throw new TokenDecryptionError('authentication_failed');
    }
  }

  /** True when sealed under another key than the current one; a malformed value throws like `decrypt` does. */
  needsReEncryption(ciphertext: string): boolean {
    return unseal(ciphertext).kid !== this.#ring.currentKeyId;
  }
}

// The version and key id are authenticated too, so the header cannot be rewritten independently of the body.
function associatedData(kid: string, aad: string): Buffer {
  return Buffer.from(`${FORMAT_VERSION}.${kid}.${aad}`, 'utf8');
}

function unseal(ciphertext: string): SealedParts {
  const parts = ciphertext.split('.');
  if (parts.length !== 5 || parts[0] !== FORMAT_VERSION || !KEY_ID_PATTERN.test(parts[1])) {
    throw new TokenDecryptionError('malformed');
  }
  const [iv, data, tag] = parts.slice(2).map(decodeCanonicalBase64Url);
  if (!iv || !data || !tag || iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new TokenDecryptionError('malformed');
  }
  return { kid: parts[1], iv, data, tag };
}

// Node's decoder ignores stray characters and trailing bits; re-encoding rejects every non-canonical spelling.
function decodeCanonicalBase64Url(text: string): Buffer | undefined {
  if (!BASE64URL_PATTERN.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}
