import { codeChallenge, createCodeVerifier, isValidCodeVerifier } from './pkce';

describe(codeChallenge.name, () => {
  // The vector of the unit test of TikTok's Android SDK (PKCEUtils.generateCodeChallenge).
  const sdkVerifier = 'gaeCq5mVvbhA8Ce6w5O9XBVIKMkySgv-_9A-rnhm9Ns';
  // RFC 7636 Appendix B.
  const rfcVerifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';

  it('should give the hex challenge TikTok SDK expects', () => {
    expect(codeChallenge(sdkVerifier, 'hex')).toBe('e6a178b120743d08509508f269652b0bdf91e29332921bc9e9744fd3dd41bfef');
  });

  it('should give the RFC 7636 Appendix B challenge in base64url', () => {
    expect(codeChallenge(rfcVerifier, 'base64url')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('should give the hex form of the RFC vector and the base64url form of the SDK vector', () => {
    expect(codeChallenge(rfcVerifier, 'hex')).toBe('13d31e961a1ad8ec2f16b10c4c982e0876a878ad6df144566ee1894acb70f9c3');
    expect(codeChallenge(sdkVerifier, 'base64url')).toBe('5qF4sSB0PQhQlQjyaWUrC9-R4pMykhvJ6XRP091Bv-8');
  });
});

describe(createCodeVerifier.name, () => {
  it('should make 64 unreserved characters that TikTok accepts', () => {
    const verifier = createCodeVerifier();
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(isValidCodeVerifier(verifier)).toBe(true);
  });

  it('should make a new verifier every time', () => {
    const verifiers = new Set(Array.from({ length: 100 }, createCodeVerifier));
    expect(verifiers.size).toBe(100);
  });
});

describe(isValidCodeVerifier.name, () => {
  it.each([
    ['42 characters', 'a'.repeat(42), false],
    ['43 characters', 'a'.repeat(43), true],
    ['128 characters', 'a'.repeat(128), true],
    ['129 characters', 'a'.repeat(129), false],
    ['every unreserved character', 'AZaz09-._~'.repeat(5), true],
    ['a plus sign', `${'a'.repeat(43)}+`, false],
    ['a space', `${'a'.repeat(43)} `, false],
  ])('should judge %s', (_name, verifier, valid) => {
    expect(isValidCodeVerifier(verifier)).toBe(valid);
  });
});
