import busboy from 'busboy';
import { Request } from 'express';
import { Readable } from 'node:stream';
import { AppError, ValidationFailedError } from '../../common/errors/app-error';
import { HttpStatus } from '@nestjs/common';
import type { MediaStorage } from '../../storage/media-storage';
import { MediaTooLargeError } from '../../storage/media-storage.errors';

export interface SpooledFile {
  /** The stored object's key. */
  key: string;
  sizeBytes: number;
}

export interface MultipartUpload {
  fields: Record<string, string>;
  /** The first (for a video, the only) file. */
  file?: SpooledFile;
  /** Every file, in the order sent. */
  files: SpooledFile[];
}

export interface IntakeOptions {
  /** Where the video goes, under a fresh key; nothing is left there when the intake fails. */
  storage: MediaStorage;
  /** The key of the file, or of the file with each index when the form takes several. */
  key: string | ((index: number) => string);
  /** The most bytes of each file. */
  maxBytes: number;
  /** The field of the file parts (`video` unless said); with `maxFiles`, how many it may hold (1 unless said). */
  fileField?: string;
  maxFiles?: number;
  /** The refusals for a file over `maxBytes` and for one file too many (413 and 400 unless said). */
  fileTooLarge?: (index: number) => AppError;
  tooManyFiles?: () => AppError;
  /**
   * Called once the form fields before the file are read, before a byte of the video is stored. Return false to
   * discard the file (an idempotent replay); throw to refuse the request.
   */
  beforeFile: (fields: Record<string, string>) => Promise<boolean>;
}

const DEFAULT_FILE_FIELD = 'video';
// Larger than the streams' 16/64 KiB defaults: fewer, bigger writes took the 1 GiB bench's intake from 5.5–6.7 s to
// about 4 s, and a few buffers of this size keep memory flat.
const SPOOL_BUFFER_BYTES = 1024 * 1024;
const ONE_FILE = `Send exactly one file, in the field "${DEFAULT_FILE_FIELD}".`;

/**
 * Streams a multipart upload into media storage (a private spool file or an S3 object); memory stays flat whatever
 * the size. Crossing `maxBytes` stops at once with 413.
 *
 * Every stream the request owns (the request, the parser, the file part, the meter and the file) has an error
 * listener from the moment it exists, and every way out — refusal, a broken or cut body, the client going away,
 * the server's request timeout destroying the socket — goes through `fail`: it stops reading, ends the parser and
 * the file part, aborts a write in progress (which removes what was written: the partial file, or the multipart
 * upload in the bucket), removes the object in case it was complete, and only then settles.
 */
export function receiveMultipart(req: Request, options: IntakeOptions): Promise<MultipartUpload> {
  const FILE_FIELD = options.fileField ?? DEFAULT_FILE_FIELD;
  const maxFiles = options.maxFiles ?? 1;
  const keyOf = (index: number) => (typeof options.key === 'string' ? options.key : options.key(index));
  const tooManyFiles = () => options.tooManyFiles?.() ?? new ValidationFailedError(ONE_FILE);
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        highWaterMark: SPOOL_BUFFER_BYTES,
        fileHwm: SPOOL_BUFFER_BYTES,
        // busboy reports the limit when the file reaches fileSize, so one byte more lets maxBytes itself through.
        limits: {
          files: maxFiles,
          fileSize: options.maxBytes + 1,
          fields: 30,
          fieldSize: 16_384,
          parts: 39 + maxFiles,
        },
      });
    } catch {
      return reject(new ValidationFailedError('Send the video as multipart/form-data with a boundary.'));
    }
    const fields: Record<string, string> = {};
    const fileStreams: Readable[] = [];
    const files: SpooledFile[] = [];
    // Settles once every file so far is stored (or discarded); each file waits for the one before it.
    let spooling: Promise<void> | undefined;
    let keep: Promise<boolean> | undefined;
    let settled = false;
    const writing = new AbortController();

    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      writing.abort(error);
      req.unpipe(parser);
      // busboy emits `close` only after the whole body; ending it here is what lets go of the file part.
      parser.destroy();
      for (const stream of fileStreams) stream.destroy();
      // What the client still sends is read and dropped, so it can read the answer.
      req.resume();
      const removed = Promise.resolve(spooling)
        .catch(() => undefined)
        .then(() => Promise.all(fileStreams.map((_, index) => options.storage.delete(keyOf(index)))));
      void removed.then(
        () => reject(error),
        () => reject(error),
      );
    };

    parser.on('field', (name, value, info) => {
      if (settled) return;
      if (info.valueTruncated) return fail(new ValidationFailedError(`Field ${name} is too long.`));
      if (name === FILE_FIELD) {
        return fail(
          new ValidationFailedError(
            `The field "${FILE_FIELD}" arrived as text; send the video as a file part (with a filename).`,
            {
              field: FILE_FIELD,
            },
          ),
        );
      }
      fields[name] = value;
    });
    parser.on('file', (name, stream: Readable) => {
      // busboy destroys a part cut short with an error: unheard, it would end the process.
      stream.on('error', (error) => fail(intakeError(error, FILE_FIELD)));
      if (!settled && name !== FILE_FIELD) {
        stream.resume();
        return fail(
          new ValidationFailedError(`The file came in the field "${name}"; send it in the field "${FILE_FIELD}".`, {
            field: name,
          }),
        );
      }
      if (settled || fileStreams.length >= maxFiles) {
        stream.resume();
        return fail(tooManyFiles());
      }
      const index = fileStreams.length;
      fileStreams.push(stream);
      keep ??= options.beforeFile({ ...fields });
      spooling = Promise.all([keep, spooling]).then(async ([kept]) => {
        if (settled || !kept) return void stream.resume();
        files[index] = await spool(stream, { ...options, key: keyOf(index), index }, writing.signal);
      });
      spooling.catch(fail);
    });
    parser.on('partsLimit', () => fail(new ValidationFailedError('Too many form parts.')));
    parser.on('fieldsLimit', () => fail(new ValidationFailedError('Too many form fields.')));
    parser.on('filesLimit', () => fail(tooManyFiles()));
    parser.on('error', () => fail(new ValidationFailedError('The multipart body is malformed or ends early.')));
    parser.on('close', () => {
      if (settled) return;
      Promise.resolve(spooling).then(() => {
        if (settled) return;
        settled = true;
        resolve({ fields, file: files[0], files: files.filter(Boolean) });
      }, fail);
    });
    const aborted = () => fail(new ValidationFailedError('The request was aborted before the video arrived.'));
    req.on('error', aborted);
    req.on('close', () => {
      if (!req.complete) aborted();
    });
    req.pipe(parser);
  });
}

async function spool(
  stream: Readable,
  options: IntakeOptions & { key: string; index: number },
  signal: AbortSignal,
): Promise<SpooledFile> {
  const tooLarge =
    options.fileTooLarge?.(options.index) ??
    new AppError(
      'payload_too_large',
      `The video is larger than the limit of ${options.maxBytes} bytes.`,
      HttpStatus.PAYLOAD_TOO_LARGE,
      { limitBytes: options.maxBytes },
    );
  // busboy signals the limit with 'limit'; failing the write right there stops reading at once (and the storage
  // removes what it wrote), so a file over the limit never completes.
  const write = new AbortController();
  const abortWrite = () => write.abort(signal.reason);
  signal.addEventListener('abort', abortWrite, { once: true });
  stream.once('limit', () => write.abort(tooLarge));
  try {
    const { sizeBytes } = await options.storage.write(options.key, stream, {
      maxBytes: options.maxBytes,
      signal: write.signal,
    });
    return { key: options.key, sizeBytes };
  } catch (error) {
    if (error instanceof MediaTooLargeError) throw tooLarge;
    throw intakeError(error, options.fileField);
  } finally {
    signal.removeEventListener('abort', abortWrite);
  }
}

/**
 * What a stream of the intake failed with, as the caller should hear it: our own refusals as they are; a full disk
 * as 503 with a time to come back; other file-system errors as ours (500); the parser's plain errors (a body cut or
 * broken inside the file part) as the caller's 400.
 */
function intakeError(error: unknown, fileField = DEFAULT_FILE_FIELD): unknown {
  if (error instanceof AppError) return error;
  // An aborted write (the limit, or `fail`) destroys every stream of it with an AbortError naming the reason.
  const aborted = error as { name?: unknown; cause?: unknown } | undefined;
  if (aborted?.name === 'AbortError' && aborted.cause !== undefined) return intakeError(aborted.cause, fileField);
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC') {
    return new AppError(
      'service_unavailable',
      'The gateway has no disk space left for the video; retry later.',
      HttpStatus.SERVICE_UNAVAILABLE,
      { retryAfterSeconds: 60 },
    );
  }
  if (code) return error;
  if (isStorageServiceError(error)) {
    return new AppError(
      'service_unavailable',
      'The gateway could not store the video in its bucket; retry later.',
      HttpStatus.SERVICE_UNAVAILABLE,
      { retryAfterSeconds: 60 },
    );
  }
  return new ValidationFailedError(
    `The multipart body is malformed or ends inside the "${fileField}" part; send the whole file and the closing boundary.`,
  );
}

/** An answer of the S3 service (the SDK's errors carry `$metadata`), not a fault of the caller's body. */
function isStorageServiceError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && '$metadata' in error;
}
