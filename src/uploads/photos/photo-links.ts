import { createHash, randomBytes } from 'node:crypto';
import { PHOTO_MEDIA_PATH } from '../../config/env.schema';

/** How long TikTok may pull a received photo: its pull window is an hour (docs/tiktok.md §6.3), inits may queue. */
export const PHOTO_LINK_LIFETIME_MS = 24 * 3_600_000;

export interface PhotoLink {
  /** The storage key of the object: derived from the secret, so the path alone finds it and nothing else does. */
  key: string;
  /** The path under MEDIA_PUBLIC_URL: expiry (unix seconds) and a random 256-bit token. */
  path: string;
}

const EXPIRES = /^\d{1,12}$/;
const TOKEN = /^[0-9a-f]{64}$/;

/** A new unguessable, expiring link for one received photo. */
export function newPhotoLink(now: Date): PhotoLink {
  const expires = Math.floor((now.getTime() + PHOTO_LINK_LIFETIME_MS) / 1000).toString();
  const token = randomBytes(32).toString('hex');
  return { key: photoKeyOf(expires, token), path: `${PHOTO_MEDIA_PATH}${expires}/${token}` };
}

/**
 * The storage key a link names, or undefined when the link is malformed or expired. The expiry is part of what is
 * hashed, so changing it in the path names no object.
 */
export function photoKeyForLink(expires: string, token: string, now: Date): string | undefined {
  if (!EXPIRES.test(expires) || !TOKEN.test(token)) return undefined;
  if (Number(expires) * 1000 <= now.getTime()) return undefined;
  return photoKeyOf(expires, token);
}

function photoKeyOf(expires: string, token: string): string {
  return `${createHash('sha256').update(`${expires}/${token}`).digest('hex')}.photo`;
}
