import type { SniffedImage } from './image-sniffer';

// docs/tiktok.md §7: WebP or JPEG, at most 1080p, at most 20 MB per image; of the two readings of "MB" the sandbox
// enforces the smaller, so a client that passes here passes TikTok.
export const MAX_PHOTO_BYTES = 20_000_000;
const MAX_LONG_SIDE = 1920;
const MAX_SHORT_SIDE = 1080;

/**
 * The fail_reason (§8) TikTok gives a pulled image that breaks §7, or undefined. "1080p" is read as 1920x1080 in
 * either orientation. §8 has no reason for a file that is too large; it is a file the format check refuses.
 */
export function photoFailReason(image: SniffedImage, sizeBytes: number): string | undefined {
  if (image.format !== 'jpeg' && image.format !== 'webp') return 'file_format_check_failed';
  if (sizeBytes > MAX_PHOTO_BYTES || image.width === undefined || image.height === undefined) {
    return 'file_format_check_failed';
  }
  const long = Math.max(image.width, image.height);
  const short = Math.min(image.width, image.height);
  return long > MAX_LONG_SIDE || short > MAX_SHORT_SIDE || short === 0 ? 'picture_size_check_failed' : undefined;
}
