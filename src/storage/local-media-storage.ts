import { constants, createWriteStream } from 'node:fs';
import { access, lstat, mkdir, open, readdir, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { addAbortSignal, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ByteMeter, STREAM_BUFFER_BYTES } from './byte-meter';
import { FileSource } from './file-source';
import { LazyReadable } from './lazy-readable';
import { assertMediaKey, isMediaKey } from './media-key';
import { MediaStorage, RandomAccessSource, StoredMedia, WriteOptions } from './media-storage';
import { MediaMissingError } from './media-storage.errors';

/** UPLOAD_STORAGE=local: one file per object (mode 0600) in a private folder (0700), UPLOAD_SPOOL_DIR. */
export class LocalMediaStorage extends MediaStorage {
  readonly kind = 'local' as const;

  constructor(private readonly folder: string) {
    super();
  }

  /** Where the object's file is; only for code that must hand a path to another program. */
  pathOf(key: string): string {
    assertMediaKey(key);
    return join(this.folder, key);
  }

  async write(key: string, source: Readable, { maxBytes, signal }: WriteOptions): Promise<{ sizeBytes: number }> {
    const path = this.pathOf(key);
    await this.ensureFolder();
    // A signal aborted already (also during an await above) would destroy the meter before the pipeline listens to it,
    // and its unheard 'error' would end the process.
    signal?.throwIfAborted();
    const meter = new ByteMeter(maxBytes);
    if (signal) addAbortSignal(signal, meter);
    try {
      // 'wx': a key is never reused, so an existing file is someone else's and the write fails instead.
      const file = createWriteStream(path, { flags: 'wx', mode: 0o600, highWaterMark: STREAM_BUFFER_BYTES });
      await pipeline(source, meter, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') await rm(path, { force: true });
      throw error;
    }
    return { sizeBytes: meter.bytes };
  }

  readRange(key: string, start: number, endInclusive: number): Readable {
    const path = this.pathOf(key);
    return new LazyReadable(async () =>
      (await this.openFile(key, path)).createReadStream({
        start,
        end: endInclusive,
        highWaterMark: STREAM_BUFFER_BYTES,
      }),
    );
  }

  openRead(key: string): Readable {
    const path = this.pathOf(key);
    return new LazyReadable(async () =>
      (await this.openFile(key, path)).createReadStream({ highWaterMark: STREAM_BUFFER_BYTES }),
    );
  }

  async readBytes(key: string, start: number, length: number): Promise<Buffer> {
    const source = await this.openRandomAccess(key);
    try {
      return await source.read(start, length);
    } finally {
      await source.close();
    }
  }

  async openRandomAccess(key: string): Promise<RandomAccessSource> {
    return FileSource.open(this.pathOf(key)).catch((error: unknown) => {
      throw missingOr(error, key);
    });
  }

  async withLocalCopy<T>(key: string, fn: (filePath: string) => Promise<T>): Promise<T> {
    if (!(await this.exists(key))) throw new MediaMissingError(key);
    return fn(this.pathOf(key));
  }

  async size(key: string): Promise<number> {
    return (await stat(this.pathOf(key)).catch((error: unknown) => Promise.reject(missingOr(error, key)))).size;
  }

  async exists(key: string): Promise<boolean> {
    return stat(this.pathOf(key)).then(
      (found) => found.isFile(),
      () => false,
    );
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async listOlderThan(date: Date): Promise<StoredMedia[]> {
    const names = await readdir(this.folder).catch((error: NodeJS.ErrnoException) =>
      error.code === 'ENOENT' ? [] : Promise.reject(error),
    );
    const found: StoredMedia[] = [];
    for (const name of names.filter(isMediaKey)) {
      const entry = await lstat(join(this.folder, name)).catch(() => undefined); // removed meanwhile
      if (entry?.isFile() && entry.mtime < date) found.push({ key: name, modifiedAt: entry.mtime });
    }
    return found;
  }

  abortIncompleteUploadsOlderThan(): Promise<number> {
    return Promise.resolve(0);
  }

  async ping(): Promise<void> {
    await this.ensureFolder();
    await access(this.folder, constants.R_OK | constants.W_OK);
  }

  private async ensureFolder(): Promise<void> {
    await mkdir(this.folder, { recursive: true, mode: 0o700 });
  }

  private openFile(key: string, path: string): Promise<FileHandle> {
    return open(path, 'r').catch((error: unknown) => Promise.reject(missingOr(error, key)));
  }
}

function missingOr(error: unknown, key: string): unknown {
  return (error as NodeJS.ErrnoException).code === 'ENOENT' ? new MediaMissingError(key) : error;
}
