import { createHash } from 'node:crypto';
import type { PkceEncoding } from './sandbox-options';

// docs/tiktok.md §2.2: unreserved characters only, 43..128 (lower bound configurable).
export function isValidVerifier(verifier: string, minLength: number): boolean {
  return verifier.length >= minLength && verifier.length <= 128 && /^[A-Za-z0-9\-._~]+$/.test(verifier);
}

/** §2.1: TikTok's desktop/mobile challenge is lowercase hex SHA-256; RFC 7636 is base64url. */
export function pkceChallenge(verifier: string, encoding: PkceEncoding): string {
  return createHash('sha256').update(verifier).digest(encoding);
}
