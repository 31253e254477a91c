import busboy from 'busboy';
import { Request } from 'express';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError, ValidationFailedError } from '../common/errors/app-error';
import { HttpStatus } from '@nestjs/common';

export interface SpooledFile {
  path: string;
  sizeBytes: number;
}

export interface MultipartUpload {
  fields: Record<string, string>;
  file?: SpooledFile;
}

export interface IntakeOptions {
  spoolDir: string;
  maxBytes: number;
  /**
   * Called once the form fields before the file are read, before a byte of the video is stored. Return false to
   * discard the file (an idempotent replay); throw to refuse the request.
   */
  beforeFile: (fields: Record<string, string>) => Promise<boolean>;
}

const FILE_FIELD = 'video';
// Larger than the streams' 16/64 KiB defaults: fewer, bigger writes took the 1 GiB bench's intake from 5.5–6.7 s to
// about 4 s, and a few buffers of this size keep memory flat.
const SPOOL_BUFFER_BYTES = 1024 * 1024;

/**
 * Streams a multipart upload to a private spool file (random name, mode 0600); memory stays
 * flat whatever the size. Crossing `maxBytes` stops at once with 413. On any failure, or when the client goes away
 * half-way, the partial file is removed.
 */
export function receiveMultipart(req: Request, options: IntakeOptions): Promise<MultipartUpload> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        highWaterMark: SPOOL_BUFFER_BYTES,
        fileHwm: SPOOL_BUFFER_BYTES,
        // busboy reports the limit when the file reaches fileSize, so one byte more lets maxBytes itself through.
        limits: { files: 1, fileSize: options.maxBytes + 1, fields: 30, fieldSize: 16_384, parts: 40 },
      });
    } catch {
      return reject(new ValidationFailedError('Send the video as multipart/form-data with a boundary.'));
    }
    const fields: Record<string, string> = {};
    let spooling: Promise<SpooledFile | undefined> | undefined;
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      req.resume();
      void spooling?.then(
        (file) => file && rm(file.path, { force: true }),
        () => undefined,
      );
      reject(error);
    };

    parser.on('field', (name, value, info) => {
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
    parser.on('file', (name, stream) => {
      if (name !== FILE_FIELD) {
        stream.resume();
        return fail(
          new ValidationFailedError(`The file came in the field "${name}"; send it in the field "${FILE_FIELD}".`, {
            field: name,
          }),
        );
      }
      if (spooling) {
        stream.resume();
        return fail(new ValidationFailedError(`Send exactly one file, in the field "${FILE_FIELD}".`));
      }
      spooling = options.beforeFile({ ...fields }).then((keep) => {
        if (!keep) return void stream.resume();
        return spool(stream, options);
      });
      spooling.catch((error: unknown) => {
        stream.resume();
        fail(error);
      });
    });
    parser.on('partsLimit', () => fail(new ValidationFailedError('Too many form parts.')));
    parser.on('fieldsLimit', () => fail(new ValidationFailedError('Too many form fields.')));
    parser.on('filesLimit', () =>
      fail(new ValidationFailedError(`Send exactly one file, in the field "${FILE_FIELD}".`)),
    );
    parser.on('error', () => fail(new ValidationFailedError('The multipart body is malformed.')));
    parser.on('close', () => {
      Promise.resolve(spooling).then((file) => {
        if (settled) return void (file && rm(file.path, { force: true }));
        settled = true;
        resolve({ fields, file });
      }, fail);
    });
    req.on('aborted', () => fail(new ValidationFailedError('The request was aborted before the video arrived.')));
    req.pipe(parser);
  });
}

async function spool(stream: Readable, options: IntakeOptions): Promise<SpooledFile> {
  const path = join(options.spoolDir, `${randomUUID()}.video`);
  let sizeBytes = 0;
  const tooLarge = new AppError(
    'payload_too_large',
    `The video is larger than the limit of ${options.maxBytes} bytes.`,
    HttpStatus.PAYLOAD_TOO_LARGE,
    { limitBytes: options.maxBytes },
  );
  const meter = new Transform({
    highWaterMark: SPOOL_BUFFER_BYTES,
    transform(chunk: Buffer, _encoding, done) {
      sizeBytes += chunk.length;
      done(null, chunk);
    },
  });
  // busboy signals the limit with 'limit'; failing the pipeline right there stops reading at once (and removes the
  // partial file below), so a file over the limit never completes.
  stream.once('limit', () => meter.destroy(tooLarge));
  try {
    await pipeline(
      stream,
      meter,
      createWriteStream(path, { flags: 'wx', mode: 0o600, highWaterMark: SPOOL_BUFFER_BYTES }),
    );
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
  return { path, sizeBytes };
}
