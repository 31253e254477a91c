import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectCommandOutput,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addAbortSignal, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ByteMeter, STREAM_BUFFER_BYTES } from './byte-meter';
import { LazyReadable } from './lazy-readable';
import { assertMediaKey, isMediaKey } from './media-key';
import { MediaStorage, RandomAccessSource, StoredMedia, WriteOptions } from './media-storage';
import { MediaMissingError } from './media-storage.errors';
import { S3Source } from './s3-source';

export interface S3StorageOptions {
  bucket: string;
  /** Every object lives under this prefix, so a shared bucket's other objects are never listed or swept. */
  keyPrefix?: string;
  /**
   * Multipart part size (S3's minimum, 5 MiB, by default): each part is one Buffer, and a write holds about
   * (queueSize + 1) of them. A limit that needs more than S3's 10,000 parts gets parts just large enough.
   */
  partBytes?: number;
  /** Parts in flight at once per write; one keeps the intake's memory at two parts, whatever the video's size. */
  queueSize?: number;
}

const DEFAULT_KEY_PREFIX = 'media/';
export const DEFAULT_PART_BYTES = 5 * 1024 * 1024;
const DEFAULT_QUEUE_SIZE = 1;
const MAX_PARTS = 10_000;

/** The smallest part size, from `partBytes` up, with which an object of `maxBytes` takes at most 10,000 parts. */
export function partSizeFor(maxBytes: number, partBytes = DEFAULT_PART_BYTES): number {
  return Math.max(partBytes, Math.ceil(maxBytes / MAX_PARTS));
}

/** UPLOAD_STORAGE=s3: one object per key in an S3-compatible bucket, written by multipart upload. */
export class S3MediaStorage extends MediaStorage {
  readonly kind = 's3' as const;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly partBytes: number;
  private readonly queueSize: number;

  constructor(
    private readonly client: S3Client,
    options: S3StorageOptions,
  ) {
    super();
    this.bucket = options.bucket;
    this.prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    this.partBytes = options.partBytes ?? DEFAULT_PART_BYTES;
    this.queueSize = options.queueSize ?? DEFAULT_QUEUE_SIZE;
  }

  async write(key: string, source: Readable, { maxBytes, signal }: WriteOptions): Promise<{ sizeBytes: number }> {
    const objectKey = this.objectKey(key);
    // A signal aborted already (also during an await above) would destroy the meter before the pipeline listens to it,
    // and its unheard 'error' would end the process.
    signal?.throwIfAborted();
    const meter = new ByteMeter(maxBytes);
    if (signal) addAbortSignal(signal, meter);
    // A failing source fails the meter, and so the upload, with the source's own error.
    const piping = pipeline(source, meter).catch(() => undefined);
    try {
      const upload = new Upload({
        client: this.client,
        params: { Bucket: this.bucket, Key: objectKey, Body: meter, ContentType: 'application/octet-stream' },
        partSize: partSizeFor(maxBytes, this.partBytes),
        queueSize: this.queueSize,
        // lib-storage then sends AbortMultipartUpload before done() rejects, so no parts are left behind.
        leavePartsOnError: false,
      });
      await upload.done();
      signal?.throwIfAborted();
    } catch (error) {
      meter.destroy();
      await piping;
      // A body smaller than one part goes up in a single PUT that may have landed before the failure.
      await this.delete(key).catch(() => undefined);
      throw error;
    }
    return { sizeBytes: meter.bytes };
  }

  readRange(key: string, start: number, endInclusive: number): Readable {
    const objectKey = this.objectKey(key);
    return new LazyReadable((signal) => this.getBody(key, objectKey, { start, endInclusive }, signal));
  }

  openRead(key: string): Readable {
    const objectKey = this.objectKey(key);
    return new LazyReadable((signal) => this.getBody(key, objectKey, undefined, signal));
  }

  async readBytes(key: string, start: number, length: number): Promise<Buffer> {
    if (length <= 0) return Buffer.alloc(0);
    return this.fetchRange(key, start, start + length - 1);
  }

  async openRandomAccess(key: string): Promise<RandomAccessSource> {
    const size = await this.size(key);
    return new S3Source((start, end) => this.fetchRange(key, start, end), size);
  }

  async withLocalCopy<T>(key: string, fn: (filePath: string) => Promise<T>): Promise<T> {
    const objectKey = this.objectKey(key);
    const folder = await mkdtemp(join(tmpdir(), 'tgw-media-')); // mode 0700
    try {
      const path = join(folder, key);
      const body = await this.getBody(key, objectKey, undefined);
      await pipeline(body, createWriteStream(path, { flags: 'wx', mode: 0o600, highWaterMark: STREAM_BUFFER_BYTES }));
      return await fn(path);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }

  async size(key: string): Promise<number> {
    const objectKey = this.objectKey(key);
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: objectKey }));
      return head.ContentLength ?? 0;
    } catch (error) {
      throw missingOr(error, key);
    }
  }

  async exists(key: string): Promise<boolean> {
    return this.size(key).then(
      () => true,
      (error: unknown) => (error instanceof MediaMissingError ? false : Promise.reject(error)),
    );
  }

  async delete(key: string): Promise<void> {
    // S3 answers 204 for a missing key too.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
  }

  async listOlderThan(date: Date): Promise<StoredMedia[]> {
    const found: StoredMedia[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) {
        const key = object.Key?.slice(this.prefix.length) ?? '';
        if (isMediaKey(key) && object.LastModified && object.LastModified < date) {
          found.push({ key, modifiedAt: object.LastModified });
        }
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return found;
  }

  async abortIncompleteUploadsOlderThan(date: Date): Promise<number> {
    let aborted = 0;
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    do {
      const page = await this.client.send(
        new ListMultipartUploadsCommand({
          Bucket: this.bucket,
          Prefix: this.prefix,
          KeyMarker: keyMarker,
          UploadIdMarker: uploadIdMarker,
        }),
      );
      for (const upload of page.Uploads ?? []) {
        if (!upload.Key || !upload.UploadId || !upload.Initiated || upload.Initiated >= date) continue;
        await this.client
          .send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: upload.Key, UploadId: upload.UploadId }))
          .then(
            () => (aborted += 1),
            (error: { name?: string }) => (error.name === 'NoSuchUpload' ? undefined : Promise.reject(error)),
          );
      }
      const more = page.IsTruncated === true;
      keyMarker = more ? page.NextKeyMarker : undefined;
      uploadIdMarker = more ? page.NextUploadIdMarker : undefined;
    } while (keyMarker);
    return aborted;
  }

  async ping(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  /** Closes the client's sockets. */
  close(): void {
    this.client.destroy();
  }

  private objectKey(key: string): string {
    assertMediaKey(key);
    return this.prefix + key;
  }

  private async getBody(key: string, objectKey: string, range: ByteRange | undefined, signal?: AbortSignal) {
    let answer: GetObjectCommandOutput;
    try {
      answer = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: objectKey,
          Range: range && `bytes=${range.start}-${range.endInclusive}`,
        }),
        { abortSignal: signal },
      );
    } catch (error) {
      throw missingOr(error, key);
    }
    const body = answer.Body as Readable;
    // A store that ignores or bends the Range header would otherwise put wrong bytes into a chunk for TikTok.
    if (range && !coversRange(answer.ContentRange, range)) {
      body.destroy();
      throw new Error(
        `The bucket answered "${answer.ContentRange ?? 'no Content-Range'}" for bytes ${range.start}-${range.endInclusive} of ${key}.`,
      );
    }
    return body;
  }

  private async fetchRange(key: string, start: number, endInclusive: number): Promise<Buffer> {
    try {
      const body = await this.getBody(key, this.objectKey(key), { start, endInclusive });
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    } catch (error) {
      // S3 refuses a range that starts at or past the end (416); for a reader that is simply no more bytes.
      if ((error as { name?: string }).name === 'InvalidRange') return Buffer.alloc(0);
      throw error;
    }
  }
}

interface ByteRange {
  start: number;
  endInclusive: number;
}

/** `bytes 100-199/5000`: starts where asked and ends at the asked end, or earlier only at the object's end. */
function coversRange(contentRange: string | undefined, { start, endInclusive }: ByteRange): boolean {
  const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(contentRange ?? '');
  if (!match) return false;
  const [first, last, total] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return first === start && (last === endInclusive || (last < endInclusive && last === total - 1));
}

function missingOr(error: unknown, key: string): unknown {
  const name = (error as { name?: string }).name;
  return name === 'NoSuchKey' || name === 'NotFound' ? new MediaMissingError(key) : error;
}
