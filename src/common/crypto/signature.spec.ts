import { createHash } from 'node:crypto';
import { signPayload, verifySignature } from './signature';

const SECRET = 'test-client-secret';
const T = 1633174587;
const BODY =
  '{"client_key":"bwo2m45353a6k85","event":"authorization.removed","create_time":1615338610,' +
  '"user_openid":"u1","content":"{\\"reason\\": 1 }"}';
// `printf '%s' "$T.$BODY" | openssl dgst -sha256 -hmac test-client-secret`
const OPENSSL_HEX = '21ebeff430001fb1c225bfda1c85ea0e6b5dc4b4b8e35321789c8a0c5272d5be';

// RFC 2104 HMAC from plain SHA-256, independent of createHmac.
function manualHmacSha256Hex(key: string, message: string): string {
  const block = Buffer.alloc(64);
  Buffer.from(key).copy(block);
  const pad = (byte: number) => Buffer.from(block.map((b) => b ^ byte));
  const inner = createHash('sha256').update(pad(0x36)).update(message).digest();
  return createHash('sha256').update(pad(0x5c)).update(inner).digest('hex');
}

describe(signPayload.name, () => {
  it('should match an HMAC computed by openssl and by hand', () => {
    expect(manualHmacSha256Hex(SECRET, `${T}.${BODY}`)).toBe(OPENSSL_HEX);
    expect(signPayload(SECRET, BODY, T)).toBe(`t=${T},s=${OPENSSL_HEX}`);
  });

  it('should sign a Buffer body exactly like the same bytes as a string', () => {
    expect(signPayload(Buffer.from(SECRET), Buffer.from(BODY), T)).toBe(signPayload(SECRET, BODY, T));
  });

  it('should sign non-ASCII bodies over their UTF-8 bytes', () => {
    const body = '{"title":"café ✓"}';
    expect(signPayload(SECRET, body, T)).toBe(`t=${T},s=${manualHmacSha256Hex(SECRET, `${T}.${body}`)}`);
  });

  it.each([-1, 1.5, Number.NaN])('should refuse the timestamp %p', (timestamp) => {
    expect(() => signPayload(SECRET, BODY, timestamp)).toThrow(/timestamp/);
  });
});

describe(verifySignature.name, () => {
  const header = `t=${T},s=${OPENSSL_HEX}`;

  it('should accept a valid signature and return its timestamp', () => {
    expect(verifySignature(header, SECRET, Buffer.from(BODY), T + 10, 300)).toEqual({ ok: true, timestamp: T });
  });

  it.each([
    ['reversed order', `s=${OPENSSL_HEX},t=${T}`],
    ['spaces', ` t = ${T} , s = ${OPENSSL_HEX} `],
    ['upper-case hex', `t=${T},s=${OPENSSL_HEX.toUpperCase()}`],
    ['an unknown extra field', `t=${T},s=${OPENSSL_HEX},v=2`],
    ['a trailing comma', `${header},`],
  ])('should accept %s', (_name, variant) => {
    expect(verifySignature(variant, SECRET, BODY, T, 300)).toEqual({ ok: true, timestamp: T });
  });

  it.each([undefined, null, '', '   '])('should report %p as missing', (value) => {
    expect(verifySignature(value, SECRET, BODY, T, 300)).toEqual({ ok: false, reason: 'missing' });
  });

  it.each([
    ['no timestamp', `s=${OPENSSL_HEX}`],
    ['no signature', `t=${T}`],
    ['a bare word', 'garbage'],
    ['a non-numeric timestamp', `t=abc,s=${OPENSSL_HEX}`],
    ['a negative timestamp', `t=-${T},s=${OPENSSL_HEX}`],
    ['a short signature', `t=${T},s=${OPENSSL_HEX.slice(0, 62)}`],
    ['a non-hex signature', `t=${T},s=${'z'.repeat(64)}`],
    ['a repeated timestamp', `t=${T},t=${T + 1},s=${OPENSSL_HEX}`],
    ['a repeated signature', `t=${T},s=${OPENSSL_HEX},s=${OPENSSL_HEX}`],
  ])('should report %s as malformed', (_name, value) => {
    expect(verifySignature(value, SECRET, BODY, T, 300)).toEqual({ ok: false, reason: 'malformed' });
  });

  it.each([
    ['another secret', header, 'other-secret', BODY],
    ['a changed body', header, SECRET, BODY.replace('"reason\\": 1', '"reason\\": 2')],
    ['re-serialised JSON', header, SECRET, JSON.stringify(JSON.parse(BODY), null, 1)],
    ['another timestamp', `t=${T + 1},s=${OPENSSL_HEX}`, SECRET, BODY],
    ['one flipped hex digit', `t=${T},s=${OPENSSL_HEX.slice(0, -1)}f`, SECRET, BODY],
  ])('should report %s as a mismatch', (_name, value, secret, body) => {
    expect(verifySignature(value, secret, body, T, 300)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('should report a mismatch before staleness so a forged header learns nothing about the window', () => {
    expect(verifySignature(header, 'other-secret', BODY, T + 10_000, 300)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('should accept a timestamp exactly at the tolerance, past or future', () => {
    expect(verifySignature(header, SECRET, BODY, T + 300, 300).ok).toBe(true);
    expect(verifySignature(header, SECRET, BODY, T - 300, 300).ok).toBe(true);
  });

  it('should report a timestamp older than the tolerance as stale', () => {
    expect(verifySignature(header, SECRET, BODY, T + 301, 300)).toEqual({ ok: false, reason: 'stale' });
  });

  it('should report a timestamp further in the future than the tolerance as stale', () => {
    expect(verifySignature(header, SECRET, BODY, T - 301, 300)).toEqual({ ok: false, reason: 'stale' });
  });

  it('should verify what signPayload signs, for our own tenant notifications', () => {
    const body = Buffer.from(JSON.stringify({ id: 'evt_1', type: 'upload.completed', occurredAt: 'x', data: {} }));
    const signed = signPayload('whsec_tenant', body, 1_800_000_000);
    expect(verifySignature(signed, 'whsec_tenant', body, 1_800_000_005, 300)).toEqual({
      ok: true,
      timestamp: 1_800_000_000,
    });
  });
});
