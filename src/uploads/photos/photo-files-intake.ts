import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import { Clock } from '../../common/clock';
import { TokenCipher } from '../../common/crypto/token-cipher';
import { AppConfig } from '../../config/app-config';
import { MalwareScanner } from '../../malware-scan/malware-scanner';
import { MediaStorage } from '../../storage/media-storage';
import { photoUrlsAad } from '../delivery/photo-init';
import { UploadResponse } from '../dto/upload.response';
import { PendingFiles, SpooledFile } from '../intake/multipart-intake';
import { Upload, UploadPhotoFile } from '../upload.entity';
import { uploadsRejectedTotal } from '../uploads.metrics';
import { probeImage } from './image-probe';
import { assertPhotoAccepted, photoRejected } from './photo-file-rules';
import { newPhotoLink, PhotoLink } from './photo-links';
import { checkPhotoCount } from './photo-post-rules';

export type InsertPhotoPost = (
  media: Pick<Upload, 'id' | 'source' | 'photos' | 'mediaHolder'>,
) => Promise<{ upload: UploadResponse; created: boolean }>;

/**
 * The images of a multipart photo post (read by PhotoIntakeInterceptor with the video intake's hardened reader), once
 * the fields passed: streamed into the upload storage, each judged by its bytes against docs/tiktok.md §7, then
 * recorded. Accepted images are served to TikTok under MEDIA_PUBLIC_URL (photo-links.ts); on any refusal nothing is
 * kept.
 */
@Injectable()
export class PhotoFilesIntake {
  constructor(
    private readonly config: ConfigService<AppConfig, true>,
    private readonly storage: MediaStorage,
    private readonly scanner: MalwareScanner,
    private readonly cipher: TokenCipher,
    private readonly clock: Clock,
  ) {}

  /** `publishAt` (a scheduled post): the links must still be valid when TikTok pulls, after that time. */
  async accept(
    photos: PendingFiles,
    coverIndex: number,
    publishAt: Date | undefined,
    insert: InsertPhotoPost,
  ): Promise<UploadResponse> {
    const links: PhotoLink[] = [];
    let keep = false;
    const linksFrom = publishAt ?? this.clock.now();
    try {
      const received = await photos.storeAll((index) => (links[index] ??= newPhotoLink(linksFrom)).key);
      checkPhotoCount('photos', received.length, coverIndex);
      const files = await this.check(received);
      const id = randomUUID();
      const publicUrl = this.config.get('media', { infer: true }).publicUrl!;
      const urls = files.map((_, index) => `${publicUrl}${links[index].path}`);
      const { upload, created } = await insert({
        id,
        source: 'file',
        // Local files are on this instance's disk: it serves them and it deletes them.
        mediaHolder: this.storage.kind === 'local' ? this.config.get('instance', { infer: true }).id : null,
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
