import { inspect } from 'node:util';
import { AppError } from '../errors/app-error';
import { generateKeyRingEntry, parseKeyRing, TokenCipher, TokenDecryptionError } from './token-cipher';

const KEY_A = Buffer.alloc(32, 0xa1).toString('base64');
const KEY_B = Buffer.alloc(32, 0xb2).toString('base64');
const AAD = 'connection:42:access_token';

function decryptError(run: () => unknown): TokenDecryptionError {
  try {
    run();
  } catch (error) {
    if (error instanceof TokenDecryptionError) return error;
    throw error;
  }
  throw new Error('expected a TokenDecryptionError');
}

function replacePart(sealed: string, index: number, edit: (part: string) => string): string {
  const parts = sealed.split('.');
  parts[index] = edit(parts[index]);
  return parts.join('.');
}

// Flips one bit of the first decoded byte and re-encodes canonically, so only the bytes change.
function flipFirstByte(part: string): string {
  const bytes = Buffer.from(part, 'base64url');
  bytes[0] ^= 0x01;
  return bytes.toString('base64url');
}

describe(parseKeyRing.name, () => {
  it('should make the first entry the current key', () => {
    const ring = parseKeyRing(`new:${KEY_B}, old:${KEY_A}`);
    expect(ring.currentKeyId).toBe('new');
    expect([...ring.keys.keys()]).toEqual(['new', 'old']);
  });

  it('should accept base64url keys', () => {
    const key = Buffer.alloc(32, 0xfb).toString('base64url');
    expect(parseKeyRing(`k1:${key}`).keys.size).toBe(1);
  });

  it.each([
    ['an empty spec', '', /empty/],
    ['an entry without a colon', KEY_A, /entry 1 is not in the form kid:base64key/],
    ['a trailing comma', `k1:${KEY_A},`, /entry 2 is not in the form/],
    ['a duplicate key id', `k1:${KEY_A},k1:${KEY_B}`, /entry 2: duplicate key id "k1"/],
    ['a key of 16 bytes', `k1:${Buffer.alloc(16, 1).toString('base64')}`, /must decode to 32 bytes, got 16/],
    ['a key that is not base64', `k1:${KEY_A.slice(0, 40)}!!!=`, /key is not base64/],
    ['a key id with a dot', `k.1:${KEY_A}`, /key id must be 1-32 characters/],
    ['a key id too long', `${'k'.repeat(33)}:${KEY_A}`, /key id must be 1-32 characters/],
  ])('should reject %s with a clear message', (_name, spec, message) => {
    expect(() => parseKeyRing(spec)).toThrow(message);
  });

  it('should never echo key material in its errors', () => {
    const shortKey = Buffer.alloc(16, 7).toString('base64');
    const specs = [shortKey, `k1:${shortKey}`, `${KEY_A}:k1`, `k1:${KEY_A},k1:${KEY_A}`, `k1:${KEY_A}#`];
    for (const spec of specs) {
      expect(() => parseKeyRing(spec)).toThrow();
      try {
        parseKeyRing(spec);
      } catch (error) {
        expect((error as Error).message).not.toContain(shortKey.slice(0, 12));
        expect((error as Error).message).not.toContain(KEY_A.slice(0, 12));
      }
    }
  });
});

describe(TokenCipher.name, () => {
  const cipher = new TokenCipher(`k1:${KEY_A}`);

  it('should round-trip text, including empty and non-ASCII text', () => {
    for (const plaintext of ['act.example-access-token', '', 'ünïcødé ✓ 令牌']) {
      expect(cipher.decrypt(cipher.encrypt(plaintext, AAD), AAD)).toBe(plaintext);
    }
  });

  it('should produce a self-describing v1 string with a 12-byte IV and a 16-byte tag', () => {
    const [version, kid, iv, data, tag] = cipher.encrypt('secret', AAD).split('.');
    expect([version, kid]).toEqual(['v1', 'k1']);
    expect(Buffer.from(iv, 'base64url')).toHaveLength(12);
    expect(Buffer.from(data, 'base64url')).toHaveLength(6);
    expect(Buffer.from(tag, 'base64url')).toHaveLength(16);
  });

  it('should use a fresh IV for every encryption', () => {
    expect(cipher.encrypt('same', AAD)).not.toBe(cipher.encrypt('same', AAD));
  });

  it('should never contain the plaintext in any encoding', () => {
    const plaintext = 'act.1234567890abcdefghijklmnopqrstuvwxyz';
    const sealed = cipher.encrypt(plaintext, AAD);
    expect(sealed).not.toContain(plaintext);
    expect(sealed).not.toContain(Buffer.from(plaintext).toString('base64url').slice(0, 16));
    expect(sealed).not.toContain(Buffer.from(plaintext).toString('hex').slice(0, 16));
  });

  it('should keep decrypting old keys after rotation and flag them for re-encryption', () => {
    const sealedUnderA = cipher.encrypt('old token', AAD);
    const rotated = new TokenCipher(`k2:${KEY_B},k1:${KEY_A}`);
    const sealedUnderB = rotated.encrypt('new token', AAD);

    expect(rotated.currentKeyId).toBe('k2');
    expect(rotated.decrypt(sealedUnderA, AAD)).toBe('old token');
    expect(rotated.needsReEncryption(sealedUnderA)).toBe(true);
    expect(rotated.needsReEncryption(sealedUnderB)).toBe(false);
    expect(sealedUnderB.split('.')[1]).toBe('k2');
  });

  it('should refuse a value sealed under a key id it does not hold', () => {
    const other = new TokenCipher(`k9:${KEY_B}`);
    expect(decryptError(() => cipher.decrypt(other.encrypt('x', AAD), AAD)).reason).toBe('unknown_key');
  });

  it('should refuse a value sealed under the same key id but a different key', () => {
    const impostor = new TokenCipher(`k1:${KEY_B}`);
    expect(decryptError(() => cipher.decrypt(impostor.encrypt('x', AAD), AAD)).reason).toBe('authentication_failed');
  });

  it('should refuse the right ciphertext under another connection or field', () => {
    const sealed = cipher.encrypt('token', AAD);
    for (const aad of ['connection:43:access_token', 'connection:42:refresh_token', '']) {
      expect(decryptError(() => cipher.decrypt(sealed, aad)).reason).toBe('authentication_failed');
    }
  });

  it.each([
    ['IV', 2],
    ['ciphertext', 3],
    ['tag', 4],
  ])('should detect a tampered %s', (_name, index) => {
    const sealed = cipher.encrypt('a token long enough', AAD);
    const tampered = replacePart(sealed, index, flipFirstByte);
    expect(decryptError(() => cipher.decrypt(tampered, AAD)).reason).toBe('authentication_failed');
  });

  it('should detect a key id rewritten to another key it holds', () => {
    const ring = new TokenCipher(`k1:${KEY_A},k2:${KEY_A}`);
    const moved = replacePart(ring.encrypt('token', AAD), 1, () => 'k2');
    expect(decryptError(() => ring.decrypt(moved, AAD)).reason).toBe('authentication_failed');
  });

  it('should reject non-canonical base64url spellings of the same bytes', () => {
    const sealed = cipher.encrypt('token', AAD);
    // 16 tag bytes take 22 characters whose last one carries 4 unused bits; set one of them.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const tampered = replacePart(sealed, 4, (tag) => tag.slice(0, -1) + alphabet[alphabet.indexOf(tag[21]) ^ 1]);
    expect(Buffer.from(tampered.split('.')[4], 'base64url')).toEqual(Buffer.from(sealed.split('.')[4], 'base64url'));
    expect(decryptError(() => cipher.decrypt(tampered, AAD)).reason).toBe('malformed');
  });

  it.each([
    ['an empty string', ''],
    ['plain text', 'act.not-encrypted'],
    ['another version', 'v2.k1.AAAAAAAAAAAAAAAA.AA.AAAAAAAAAAAAAAAAAAAAAA'],
    ['too few parts', 'v1.k1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA'],
    ['too many parts', 'v1.k1.AAAAAAAAAAAAAAAA.AA.AAAAAAAAAAAAAAAAAAAAAA.AA'],
    ['a short IV', 'v1.k1.AAAA.AA.AAAAAAAAAAAAAAAAAAAAAA'],
    ['a short tag', 'v1.k1.AAAAAAAAAAAAAAAA.AA.AAAA'],
    ['characters outside base64url', 'v1.k1.AAAAAAAAAAAAAAAA.A+/A.AAAAAAAAAAAAAAAAAAAAAA'],
    ['a bad key id', 'v1.k 1.AAAAAAAAAAAAAAAA.AA.AAAAAAAAAAAAAAAAAAAAAA'],
  ])('should report %s as malformed, never as garbage text', (_name, sealed) => {
    const error = decryptError(() => cipher.decrypt(sealed, AAD));
    expect(error.reason).toBe('malformed');
    expect(() => cipher.needsReEncryption(sealed)).toThrow(TokenDecryptionError);
  });

  it('should fail as an internal AppError whose message names no secret', () => {
    const sealed = cipher.encrypt('act.secret', AAD);
    const error = decryptError(() => cipher.decrypt(sealed, 'other'));
    expect(error).toBeInstanceOf(AppError);
    expect({ code: error.code, status: error.status }).toEqual({ code: 'internal_error', status: 500 });
    expect(error.message).not.toMatch(/act\.secret|k1|connection/);
    expect(error.details).toBeUndefined();
  });

  it('should not reveal key material when inspected or serialised', () => {
    // Key A is 32 bytes of 0xa1: as base64, hex, Buffer inspection or Buffer JSON.
    const keyA = /oaGhoaGh|a1a1a1|a1 a1 a1|161,161,161/;
    expect(inspect(cipher, { depth: 10, showHidden: true }) + JSON.stringify(cipher)).not.toMatch(keyA);
    const ring = parseKeyRing(`k1:${KEY_A}`);
    expect(inspect(ring, { depth: 10, showHidden: true }) + JSON.stringify(ring)).not.toMatch(keyA);
  });

  it('should be constructible from a parsed ring', () => {
    expect(new TokenCipher(parseKeyRing(`k3:${KEY_B}`)).currentKeyId).toBe('k3');
  });
});

describe(generateKeyRingEntry.name, () => {
  it('should make an entry that parses and encrypts', () => {
    const entry = generateKeyRingEntry('2026-11');
    const ring = new TokenCipher(entry);
    expect(ring.currentKeyId).toBe('2026-11');
    expect(ring.decrypt(ring.encrypt('x', AAD), AAD)).toBe('x');
    expect(generateKeyRingEntry('2026-11')).not.toBe(entry);
  });

  it('should refuse a key id the ring would refuse', () => {
    expect(() => generateKeyRingEntry('bad.kid')).toThrow(/key id/);
  });
});
