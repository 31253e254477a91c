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

/**
 * The file part of a multipart upload, not read yet: the service decides after its checks whether to store it or
 * drop it. Each way waits for the end of the form, so a broken rest of the body still refuses the request.
 */
export interface PendingVideo {
  /** Streams the file into media storage under `key`; on any failure nothing is left there. */
  store(key: string): Promise<SpooledFile>;
  /** Reads the file and the rest of the form and keeps nothing (an idempotent replay). */
  discard(): Promise<void>;
  /** Stops reading the form because the request was refused; a no-op once the form is over. */
  abandon(reason: unknown): Promise<void>;
}

/** Every file part of a form that takes several (`maxFiles`), not read yet; like PendingVideo. */
export interface PendingFiles {
  /** Streams each file part, in order, into media storage under `keyOf(its index)`; on any failure nothing is left. */
  storeAll(keyOf: (index: number) => string): Promise<SpooledFile[]>;
  discard(): Promise<void>;
  abandon(reason: unknown): Promise<void>;
}

export interface MultipartForm {
  /** The text fields that came before the file. */
  fields: Record<string, string>;
  /** The (first) file part. */
  video: PendingVideo;
  /** Every file part, for a form of several. */
  files: PendingFiles;
}

export interface MultipartOptions {
  /** Where `PendingVideo.store` writes; nothing is left there when the intake fails. */
  storage: MediaStorage;
  /** The most bytes of each file. */
  maxBytes: number;
  /** The field of the file parts (`video` unless said) and how many the form may hold (1 unless said). */
  fileField?: string;
  maxFiles?: number;
  /** The refusals for a file over `maxBytes` and for one file too many (413 and 400 unless said). */
  fileTooLarge?: (index: number) => AppError;
  tooManyFiles?: () => AppError;
}

interface SpoolOptions extends MultipartOptions {
  key: string;
  index: number;
}

const DEFAULT_FILE_FIELD = 'video';
// Larger than the streams' 16/64 KiB defaults: fewer, bigger writes took the 1 GiB bench's intake from 5.5–6.7 s to
// about 4 s, and a few buffers of this size keep memory flat.
const SPOOL_BUFFER_BYTES = 1024 * 1024;
const ONE_FILE = `Send exactly one file, in the field "${DEFAULT_FILE_FIELD}".`;

/**
 * Reads a multipart upload up to its file part and settles with the fields before it and the file, still unread;
 * stored later, the file streams into media storage (a private spool file or an S3 object) and memory stays flat
 * whatever the size. Crossing `maxBytes` stops at once with 413. A form that ends without the file is refused.
 *
 * Every stream the request owns (the request, the parser, the file part, the meter and the file) has an error
 * listener from the moment it exists, and every way out — refusal, a broken or cut body, the client going away,
 * the server's request timeout destroying the socket — goes through `fail`: it stops reading, ends the parser and
 * the file part, aborts a write in progress (which removes what was written: the partial file, or the multipart
 * upload in the bucket), removes the object in case it was complete, and only then settles.
 */
export function readMultipartForm(req: Request, options: MultipartOptions): Promise<MultipartForm> {
  const FILE_FIELD = options.fileField ?? DEFAULT_FILE_FIELD;
  const maxFiles = options.maxFiles ?? 1;
  const tooManyFiles = () => options.tooManyFiles?.() ?? new ValidationFailedError(ONE_FILE);
  return new Promise((resolveForm, rejectForm) => {
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
      return rejectForm(new ValidationFailedError('Send the video as multipart/form-data with a boundary.'));
    }
    const fields: Record<string, string> = {};
    const fileStreams: Readable[] = [];
    const storedKeys: string[] = [];
    const stored: SpooledFile[] = [];
    // Set once the handler decided: `keyOf` stores each file part as it comes (each after the one before), or discards.
    let keyOf: ((index: number) => string) | undefined;
    let discarding = false;
    let spooling: Promise<unknown> | undefined;
    let settled = false;
    const writing = new AbortController();
    // Settles when the whole form is read (resolves) or `fail` has cleaned up (rejects); the pending video waits on it.
    let endForm!: () => void;
    let refuseForm!: (error: unknown) => void;
    const formEnded = new Promise<void>((resolve, reject) => {
      endForm = resolve;
      refuseForm = reject;
    });
    // Heard here so a refusal nobody waits for (the service gave up on the file) is never an unhandled rejection.
    formEnded.catch(() => undefined);

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
        .then(() => Promise.all(storedKeys.map((key) => options.storage.delete(key))));
      const refuse = () => {
        rejectForm(error);
        refuseForm(error);
      };
      void removed.then(refuse, refuse);
    };

    /** Queues the file part at `index` behind the ones before it, once the handler chose to store them. */
    const storeNext = (index: number) => {
      const key = keyOf!(index);
      storedKeys.push(key);
      const previous = spooling;
      spooling = Promise.resolve(previous).then(async () => {
        // After a failure the part is destroyed: a write begun now would never end, and leave a file nobody removes.
        if (writing.signal.aborted) return;
        stored[index] = await spool(fileStreams[index], { ...options, key, index }, writing.signal);
      });
      spooling.catch(fail);
    };
    const pendingFiles: PendingFiles = {
      storeAll: async (keys) => {
        // Begun after a failure, a write would leave a file nobody removes: that failure is the answer instead.
        if (settled) await formEnded;
        keyOf = keys;
        fileStreams.forEach((_, index) => storeNext(index));
        // Rejects only once `fail` has cleaned up, with the first failure (the write's own, or the body's). A form
        // read to its end before the choice (small parts wait buffered) has its writes still running here.
        await formEnded;
        await spooling;
        return stored;
      },
      discard: () => {
        discarding = true;
        if (!settled) fileStreams.forEach((stream) => stream.resume());
        return formEnded;
      },
      abandon: (reason) => {
        fail(reason);
        return formEnded.catch(() => undefined);
      },
    };
    const pendingVideo: PendingVideo = {
      store: async (key) => (await pendingFiles.storeAll(() => key))[0],
      discard: pendingFiles.discard,
      abandon: pendingFiles.abandon,
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
      fileStreams.push(stream);
      // Later parts arrive only once the first is read: the handler has chosen by then.
      if (fileStreams.length > 1) {
        if (keyOf) storeNext(fileStreams.length - 1);
        else if (discarding) stream.resume();
        return;
      }
      resolveForm({ fields: { ...fields }, video: pendingVideo, files: pendingFiles });
    });
    parser.on('partsLimit', () => fail(new ValidationFailedError('Too many form parts.')));
    parser.on('fieldsLimit', () => fail(new ValidationFailedError('Too many form fields.')));
    parser.on('filesLimit', () => fail(tooManyFiles()));
    parser.on('error', () => fail(new ValidationFailedError('The multipart body is malformed or ends early.')));
    parser.on('close', () => {
      if (settled) return;
      if (fileStreams.length === 0) {
        return fail(
          new ValidationFailedError(
            FILE_FIELD === DEFAULT_FILE_FIELD
              ? 'Send the video file in the multipart field "video", after the other fields.'
              : `Send the files in multipart parts named "${FILE_FIELD}", after the other fields.`,
            { field: FILE_FIELD },
          ),
        );
      }
      Promise.resolve(spooling).then(() => {
        if (settled) return;
        settled = true;
        endForm();
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

async function spool(stream: Readable, options: SpoolOptions, signal: AbortSignal): Promise<SpooledFile> {
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
