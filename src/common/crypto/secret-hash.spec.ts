import { createHash } from 'node:crypto';
import {
  apiKeyLookupId,
  generateApiKey,
  hashSecret,
  randomToken,
  SANDBOX_API_KEY_PREFIX,
  secretsEqual,
} from './secret-hash';

describe(generateApiKey.name, () => {
  it('should make a prefixed key of 32 random bytes in base64url', () => {
    const { key, prefix } = generateApiKey();
    expect(prefix).toBe('tgw_live_');
    expect(key).toMatch(/^tgw_live_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key.slice(prefix.length), 'base64url')).toHaveLength(32);
  });

  it('should expose a lookup id that the presented key yields again', () => {
    const { key, lookupId } = generateApiKey();
    expect(lookupId).toHaveLength(12);
    expect(key.startsWith(`tgw_live_${lookupId}`)).toBe(true);
    expect(apiKeyLookupId(key)).toBe(lookupId);
  });

  it('should honour another prefix', () => {
    const { key, prefix, lookupId } = generateApiKey('tgw_test_');
    expect(key.startsWith('tgw_test_')).toBe(true);
    expect(prefix).toBe('tgw_test_');
    expect(apiKeyLookupId(key, ['tgw_test_'])).toBe(lookupId);
    expect(apiKeyLookupId(key)).toBeUndefined();
  });

  it('should find sandbox keys and live keys alike', () => {
    const sandbox = generateApiKey(SANDBOX_API_KEY_PREFIX);
    expect(sandbox.key).toMatch(/^tgw_sandbox_[A-Za-z0-9_-]{43}$/);
    expect(apiKeyLookupId(sandbox.key)).toBe(sandbox.lookupId);
    const live = generateApiKey();
    expect(apiKeyLookupId(live.key)).toBe(live.lookupId);
  });

  it('should refuse a prefix that would make keys ambiguous or unsafe in headers', () => {
    expect(() => generateApiKey('Bad Prefix')).toThrow(/prefix/);
    expect(() => generateApiKey('')).toThrow(/prefix/);
  });

  it('should never repeat a key or a lookup id', () => {
    const keys = Array.from({ length: 200 }, () => generateApiKey());
    expect(new Set(keys.map((k) => k.key)).size).toBe(200);
    expect(new Set(keys.map((k) => k.lookupId)).size).toBe(200);
  });
});

describe(apiKeyLookupId.name, () => {
  it.each([
    ['another prefix', `sk_live_${'A'.repeat(43)}`],
    ['a short body', `tgw_live_${'A'.repeat(42)}`],
    ['a long body', `tgw_live_${'A'.repeat(44)}`],
    ['characters outside base64url', `tgw_live_${'A'.repeat(42)}=`],
    ['an empty string', ''],
  ])('should refuse %s', (_name, key) => {
    expect(apiKeyLookupId(key)).toBeUndefined();
  });
});

describe(hashSecret.name, () => {
  it('should be the lowercase hex SHA-256 of the UTF-8 text', () => {
    expect(hashSecret('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hashSecret('ключ')).toBe(createHash('sha256').update(Buffer.from('ключ', 'utf8')).digest('hex'));
  });

  it('should not contain the secret', () => {
    const { key } = generateApiKey();
    expect(hashSecret(key)).not.toContain(key.slice(9, 21));
  });
});

describe(secretsEqual.name, () => {
  const hash = hashSecret('tgw_live_example');

  it('should accept equal hashes', () => {
    expect(secretsEqual(hash, hashSecret('tgw_live_example'))).toBe(true);
  });

  it.each([
    ['another hash', hashSecret('tgw_live_other')],
    ['one changed character', `${hash.slice(0, -1)}${hash.endsWith('0') ? '1' : '0'}`],
    ['a prefix of it', hash.slice(0, 32)],
    ['an empty string', ''],
  ])('should refuse %s without throwing', (_name, other) => {
    expect(secretsEqual(hash, other)).toBe(false);
    expect(secretsEqual(other, hash)).toBe(false);
  });
});

describe(randomToken.name, () => {
  it('should give 32 random bytes in base64url by default', () => {
    const token = randomToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomToken()).not.toBe(token);
  });

  it('should give the requested number of bytes', () => {
    expect(Buffer.from(randomToken(16), 'base64url')).toHaveLength(16);
    expect(Buffer.from(randomToken(64), 'base64url')).toHaveLength(64);
  });

  it.each([0, 8, 15, 16.5])('should refuse %p bytes as too weak or not whole', (bytes) => {
    expect(() => randomToken(bytes)).toThrow(/16 bytes/);
  });
});
