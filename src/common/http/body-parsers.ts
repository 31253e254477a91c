import { HttpStatus } from '@nestjs/common';
import { json, NextFunction, Request, RequestHandler, Response, urlencoded } from 'express';
import { IncomingMessage } from 'node:http';
import * as zlib from 'node:zlib';
import { AppError, ErrorCode } from '../errors/app-error';

/** body-parser's own default, named so the refusal can say it. */
const BODY_LIMIT = '100kb';

/** The Content-Encoding values the parsers decode (zstd where this Node has it). */
const SUPPORTED_ENCODINGS = ['identity', 'gzip', 'deflate', 'br'].concat(
  'createZstdDecompress' in zlib ? ['zstd'] : [],
);

/** TikTok's webhook signature covers the exact bytes received: keep them beside the parsed body. */
function keepRawBody(req: IncomingMessage, _res: unknown, buffer: Buffer): void {
  (req as IncomingMessage & { rawBody?: Buffer }).rawBody = buffer;
}

/**
 * The JSON and form parsers, whose failures become our own refusals (status, code, words) for the exception
 * filter instead of the parser's text or a 500. They run as Nest middleware after the logger's, so every such
 * request has its request id and its log line like any other.
 */
export function bodyParsers(): RequestHandler[] {
  return [
    refusingInOurWords(json({ limit: BODY_LIMIT, verify: keepRawBody }), 'JSON'),
    refusingInOurWords(urlencoded({ extended: true, limit: BODY_LIMIT, verify: keepRawBody }), 'form data'),
  ];
}

function refusingInOurWords(parser: RequestHandler, format: string): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) =>
    parser(req, res, (error?: unknown) => {
      const encoding = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
      next(error === undefined ? undefined : bodyRefusal(error, format, encoding));
    });
}

/** body-parser's errors carry `status` and mostly `type`; a failed decompression has no type. */
export function bodyRefusal(error: unknown, format: string, encoding: string): unknown {
  const { status, type } = error as { status?: unknown; type?: unknown };
  if (typeof status !== 'number' || status >= 500) return error;
  if (type === undefined && encoding !== 'identity') {
    return unsupportedEncoding(`The request body is not valid ${encoding} data, as its Content-Encoding says.`);
  }
  switch (type) {
    case 'entity.parse.failed':
      return new AppError('validation_failed', `The request body is not valid ${format}.`, HttpStatus.BAD_REQUEST);
    case 'entity.too.large':
    case 'parameters.too.many':
      return new AppError(
        'payload_too_large',
        `The request body is over the ${BODY_LIMIT.replace('kb', ' kB')} limit.`,
        HttpStatus.PAYLOAD_TOO_LARGE,
      );
    case 'encoding.unsupported':
      return unsupportedEncoding(`Content-Encoding "${encoding}" is not supported.`);
    case 'charset.unsupported':
      return new AppError(
        'unsupported_media_type',
        "The request body's charset is not supported; send UTF-8.",
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      );
  }
  // The rest (a body cut short, a wrong length) are the caller's too, never a 500.
  const code: ErrorCode =
    status === 413 ? 'payload_too_large' : status === 415 ? 'unsupported_media_type' : 'validation_failed';
  return new AppError(code, 'The request body could not be read; send it again, complete.', status);
}

function unsupportedEncoding(problem: string): AppError {
  return new AppError(
    'unsupported_media_type',
    `${problem} Send the body uncompressed or with one of: ${SUPPORTED_ENCODINGS.join(', ')}.`,
    HttpStatus.UNSUPPORTED_MEDIA_TYPE,
    { supportedEncodings: SUPPORTED_ENCODINGS },
  );
}
