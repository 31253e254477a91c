import { createHash, randomBytes } from 'node:crypto';

/** `hex` is what TikTok's desktop and mobile flows check; `base64url` is RFC 7636 (TIKTOK_PKCE_ENCODING). */
export type PkceEncoding = 'hex' | 'base64url';

// https://developers.tiktok.com/doc/login-kit-desktop (PKCE): 43–128 characters of [A-Z] [a-z] [0-9] - . _ ~
const VERIFIER_PATTERN = /^[A-Za-z0-9._~-]{43,128}$/;

/** 48 random bytes give exactly 64 base64url characters (384 bits), all of them unreserved. */
export function createCodeVerifier(): string {
  return randomBytes(48).toString('base64url');
}

export function isValidCodeVerifier(verifier: string): boolean {
  return VERIFIER_PATTERN.test(verifier);
}

/**
 * TikTok wants lowercase hex of SHA-256(verifier), still announced as `S256`
 * (https://developers.tiktok.com/doc/login-kit-desktop, PKCE section);
 * RFC 7636 §4.2 wants the same digest as unpadded base64url.
 */
export function codeChallenge(verifier: string, encoding: PkceEncoding): string {
  return createHash('sha256').update(verifier, 'utf8').digest(encoding);
}
