import type { Readable } from 'node:stream';

export interface WriteOptions {
  /** The most bytes the object may hold; one byte more fails the write with MediaTooLargeError. */
  maxBytes: number;
  /** Aborting it stops the write and removes what was written. */
  signal?: AbortSignal;
}

export interface StoredMedia {
  key: string;
  modifiedAt: Date;
}

/**
 * Positioned reads of one stored object, for parsers that need a few slices of a large file (headers, boxes, a tail).
 * `read` returns up to `length` bytes from `position`, shorter only at the end of the object.
 */
export interface RandomAccessSource {
  readonly size: number;
  /** Bytes handed to callers so far; lets tests prove a parser reads only what it needs. */
  readonly bytesRead: number;
  read(position: number, length: number): Promise<Buffer>;
  close(): Promise<void>;
}

/**
 * Where received media wait until they are delivered: a private local folder or an S3-compatible bucket. Inject it
 * by this class. Keys are flat names chosen by the caller (letters, digits, `.`, `_`, `-`; see media-key.ts) and are
 * never reused. A missing object is a MediaMissingError; every other failure is the backend's own error.
 */
export abstract class MediaStorage {
  abstract readonly kind: 'local' | 's3';

  /**
   * Streams `source` into a new object with flat memory and returns its size. If the source fails or is destroyed,
   * the signal aborts, or `maxBytes` is crossed, nothing of the object is left and the promise rejects (with the
   * source's own error when it failed, MediaTooLargeError for the limit, an AbortError for the signal).
   */
  abstract write(key: string, source: Readable, options: WriteOptions): Promise<{ sizeBytes: number }>;

  /** Bytes `start..endInclusive`, streamed. Returned at once; a missing object surfaces as the stream's error. */
  abstract readRange(key: string, start: number, endInclusive: number): Readable;

  /** The whole object, streamed; like readRange. */
  abstract openRead(key: string): Readable;

  /** Up to `length` bytes from `start`; shorter only at the end, empty past it. */
  abstract readBytes(key: string, start: number, length: number): Promise<Buffer>;

  /** Positioned reads with the size known up front; close it when done. */
  abstract openRandomAccess(key: string): Promise<RandomAccessSource>;

  /**
   * Runs `fn` with a local file path holding the object: the stored file itself for local storage, a private temp
   * copy (removed afterwards, whatever `fn` does) for S3. For readers that can only take a path.
   */
  abstract withLocalCopy<T>(key: string, fn: (filePath: string) => Promise<T>): Promise<T>;

  abstract size(key: string): Promise<number>;

  abstract exists(key: string): Promise<boolean>;

  /** Removes the object; removing a missing one is not an error. */
  abstract delete(key: string): Promise<void>;

  /** Objects last modified before `date`, for the sweep of media no upload refers to any more. */
  abstract listOlderThan(date: Date): Promise<StoredMedia[]>;

  /**
   * Aborts multipart uploads started before `date` and never completed (a crash mid-write), which S3 keeps and bills
   * until aborted; returns how many. Local storage has none (a crashed write leaves a file that listOlderThan lists).
   */
  abstract abortIncompleteUploadsOlderThan(date: Date): Promise<number>;

  /** Resolves when the storage can be written; rejects with the reason otherwise (readiness). */
  abstract ping(): Promise<void>;
}
