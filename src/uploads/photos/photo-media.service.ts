import { Injectable, StreamableFile } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { NotFoundError } from '../../common/errors/app-error';
import { MediaStorage } from '../../storage/media-storage';
import { MediaMissingError } from '../../storage/media-storage.errors';
import { photoKeyForLink } from './photo-links';

/**
 * Serves a received photo to TikTok's pull (docs/tiktok.md §6.3: no redirect, reachable for the whole download) from
 * the upload storage. A malformed, expired or deleted link is a plain 404 that says nothing about which it was.
 */
@Injectable()
export class PhotoMediaService {
  constructor(
    private readonly storage: MediaStorage,
    private readonly clock: Clock,
  ) {}

  async open(expires: string, token: string): Promise<StreamableFile> {
    const key = photoKeyForLink(expires, token, this.clock.now());
    if (!key) throw notFound();
    let head: Buffer;
    let length: number;
    try {
      [head, length] = await Promise.all([this.storage.readBytes(key, 0, 12), this.storage.size(key)]);
    } catch (error) {
      if (error instanceof MediaMissingError) throw notFound();
      throw error;
    }
    // Only JPEG and WebP were accepted (photo-file-rules.ts); the first bytes say which.
    const type = head[0] === 0xff && head[1] === 0xd8 ? 'image/jpeg' : 'image/webp';
    return new StreamableFile(this.storage.openRead(key), { type, length });
  }
}

function notFound(): NotFoundError {
  return new NotFoundError('No such photo, or its link has expired.');
}
