import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Request } from 'express';
import { randomUUID } from 'node:crypto';
import { AuthenticatedTenant } from '../../common/auth/authenticated-tenant';
import { Clock } from '../../common/clock';
import { TokenCipher } from '../../common/crypto/token-cipher';
import { ValidationFailedError } from '../../common/errors/app-error';
import { AppConfig } from '../../config/app-config';
import { MalwareScanner } from '../../malware-scan/malware-scanner';
import { MediaStorage } from '../../storage/media-storage';
import { MAX_PHOTO_BYTES, MAX_PHOTO_COUNT } from '../../tiktok-api/tiktok-limits';
import { photoUrlsAad } from '../delivery/photo-init';
import { UploadResponse } from '../dto/upload.response';
import { IntakeLimits } from '../intake/intake-limits';
import { receiveMultipart, SpooledFile } from '../intake/multipart-intake';
import { Upload, UploadPhotoFile } from '../upload.entity';
import { uploadsRejectedTotal } from '../uploads.metrics';
import { probeImage } from './image-probe';
import { assertPhotoAccepted, photoRejected, tooLargePhoto, tooManyPhotos } from './photo-file-rules';
import { newPhotoLink, PhotoLink } from './photo-links';
import { checkPhotoCount } from './photo-post-rules';
import type { PreparedPhotoPost } from './photo-intake.service';

export interface PhotoFormSteps {
  /** The shared checks of the fields (and, for direct posts, creator_info), before a byte of an image is stored. */
  prepare: (fields: Record<string, string>) => Promise<PreparedPhotoPost>;
  accept: (
    prepared: PreparedPhotoPost,
    media: Pick<Upload, 'id' | 'source' | 'photos' | 'mediaHolder'>,
  ) => Promise<{ upload: UploadResponse; created: boolean }>;
}

/**
 * A photo post as multipart/form-data: the fields, then the images in `photos` parts, received with the video
 * intake's hardened parser and limits into the upload storage, each judged by its bytes against docs/tiktok.md §7.
 * Accepted images are served to TikTok under MEDIA_PUBLIC_URL (photo-links.ts); on any refusal nothing is kept.
 */
@Injectable()
export class PhotoFilesIntake {
  constructor(
    private readonly config: ConfigService<AppConfig, true>,
    private readonly limits: IntakeLimits,
    private readonly storage: MediaStorage,
    private readonly scanner: MalwareScanner,
    private readonly cipher: TokenCipher,
    private readonly clock: Clock,
  ) {}

  async receive(caller: AuthenticatedTenant, req: Request, steps: PhotoFormSteps): Promise<UploadResponse> {
    const local = this.storage.kind === 'local';
    if (local) await this.storage.ping();
    const spoolDir = this.config.get('uploads', { infer: true }).spoolDir;
    const release = await this.limits.admit(caller.apiKeyId, local ? spoolDir : undefined, declaredLength(req));
    const links: PhotoLink[] = [];
    const linkOf = (index: number) => (links[index] ??= newPhotoLink(this.clock.now()));
    let keep = false;
    try {
      let prepared: PreparedPhotoPost | undefined;
      const received = await receiveMultipart(req, {
        storage: this.storage,
        key: (index) => linkOf(index).key,
        maxBytes: MAX_PHOTO_BYTES,
        fileField: 'photos',
        maxFiles: MAX_PHOTO_COUNT,
        fileTooLarge: tooLargePhoto,
        tooManyFiles: tooManyPhotos,
        beforeFile: async (fields) => {
          if (fields.userId === undefined) {
            throw new ValidationFailedError(
              'The form has no userId before its images: send the fields (userId, mode, ...) first, then "photos".',
              { field: 'userId' },
            );
          }
          if ('photoUrls' in fields) {
            throw new ValidationFailedError('Send either photoUrls (as JSON) or image files, not both.', {
              field: 'photoUrls',
            });
          }
          prepared = await steps.prepare(fields);
          return !prepared.existing;
        },
      });
      if (prepared?.existing) return prepared.existing;
      if (!prepared || received.files.length === 0) {
        throw new ValidationFailedError('Send the images in multipart parts named "photos", after the other fields.', {
          field: 'photos',
        });
      }
      const coverIndex = prepared.dto.coverIndex ?? 0;
      checkPhotoCount('photos', received.files.length, coverIndex);
      const files = await this.check(received.files);
      const id = randomUUID();
      const publicUrl = this.config.get('media', { infer: true }).publicUrl!;
      const urls = files.map((_, index) => `${publicUrl}${links[index].path}`);
      const { upload, created } = await steps.accept(prepared, {
        id,
        source: 'file',
        // Local files are on this instance's disk: it serves them and it deletes them.
        mediaHolder: local ? this.config.get('instance', { infer: true }).id : null,
        photos: {
          count: files.length,
          coverIndex,
          urlsCiphertext: this.cipher.encrypt(JSON.stringify(urls), photoUrlsAad(id)),
          files,
        },
      });
      keep = created;
      return upload;
    } finally {
      if (!keep) await Promise.all(links.map((link) => this.storage.delete(link.key)));
      release();
    }
  }

  /** Each image in order: the malware scan first (it fails closed), then TikTok's rules by the bytes. */
  private async check(received: SpooledFile[]): Promise<UploadPhotoFile[]> {
    const files: UploadPhotoFile[] = [];
    for (const [index, file] of received.entries()) {
      try {
        const scan = await this.scanner.scan(this.storage, file.key);
        if (!scan.clean) {
          throw photoRejected(index, 'malware', `the malware scanner found ${scan.signature}.`, {
            signature: scan.signature,
          });
        }
        const source = await this.storage.openRandomAccess(file.key);
        const probe = await probeImage(source).finally(() => source.close());
        files.push({ key: file.key, sizeBytes: file.sizeBytes, ...assertPhotoAccepted(index, probe, file.sizeBytes) });
      } catch (error) {
        const rule = (error as { details?: { rule?: string } }).details?.rule;
        if (rule) uploadsRejectedTotal.inc({ rule: `photo_${rule}` });
        throw error;
      }
    }
    return files;
  }
}

/** What the client says it will send (0 when it does not say, e.g. chunked). */
function declaredLength(req: Request): number {
  const length = Number(req.headers['content-length']);
  return Number.isSafeInteger(length) && length > 0 ? length : 0;
}
