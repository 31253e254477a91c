import { HttpStatus } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error';
import {
  MAX_PHOTO_BYTES,
  MAX_PHOTO_COUNT,
  MAX_PHOTO_LONG_SIDE,
  MAX_PHOTO_SHORT_SIDE,
} from '../../tiktok-api/tiktok-limits';
import { ImageProbe } from './image-probe';

export type PhotoRule = 'format' | 'size' | 'resolution' | 'count' | 'malware';

/** 422 photo_rejected: the photo's index (0-based, in the order sent) and the rule it breaks (docs/errors.md). */
export function photoRejected(
  index: number,
  rule: PhotoRule,
  message: string,
  details: Record<string, unknown> = {},
): AppError {
  return new AppError('photo_rejected', `Photo ${index} was refused: ${message}`, HttpStatus.UNPROCESSABLE_ENTITY, {
    index,
    rule,
    ...details,
  });
}

export function tooLargePhoto(index: number): AppError {
  return photoRejected(index, 'size', `it is larger than TikTok's ${MAX_PHOTO_BYTES} bytes.`, {
    limit: MAX_PHOTO_BYTES,
  });
}

export function tooManyPhotos(): AppError {
  return photoRejected(MAX_PHOTO_COUNT, 'count', `TikTok takes at most ${MAX_PHOTO_COUNT} photos in a post.`, {
    limit: MAX_PHOTO_COUNT,
  });
}

/**
 * docs/tiktok.md §7: JPEG or WebP (by the bytes), at most 20 MB (read as 20,000,000 bytes) and 1080p (read as
 * 1920x1080 in either orientation) — the stricter readings, which the sandbox enforces too.
 */
export function assertPhotoAccepted(
  index: number,
  probe: ImageProbe,
  sizeBytes: number,
): { format: 'jpeg' | 'webp'; width: number; height: number } {
  if (probe.format !== 'jpeg' && probe.format !== 'webp') {
    const found = probe.format === 'unknown' ? 'not an image TikTok knows' : probe.format.toUpperCase();
    throw photoRejected(index, 'format', `its bytes are ${found}; TikTok takes JPEG or WebP.`, {
      format: probe.format,
      allowed: ['jpeg', 'webp'],
    });
  }
  if (sizeBytes > MAX_PHOTO_BYTES) throw tooLargePhoto(index);
  const { width, height } = probe;
  if (!width || !height) {
    throw photoRejected(index, 'format', 'its picture size cannot be read; the file is broken or cut short.', {
      format: probe.format,
    });
  }
  if (Math.max(width, height) > MAX_PHOTO_LONG_SIDE || Math.min(width, height) > MAX_PHOTO_SHORT_SIDE) {
    throw photoRejected(
      index,
      'resolution',
      `it is ${width}x${height}; TikTok takes at most 1080p (1920x1080, either way).`,
      {
        width,
        height,
        limit: `${MAX_PHOTO_LONG_SIDE}x${MAX_PHOTO_SHORT_SIDE}`,
      },
    );
  }
  return { format: probe.format, width, height };
}
