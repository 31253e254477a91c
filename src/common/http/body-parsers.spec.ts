import { AppError } from '../errors/app-error';
import { bodyRefusal } from './body-parsers';

const parserError = (status: number, type?: string) => Object.assign(new Error('parser words'), { status, type });

describe(bodyRefusal.name, () => {
  it.each([
    [parserError(400, 'entity.parse.failed'), 'identity', 400, 'validation_failed'],
    [parserError(413, 'entity.too.large'), 'identity', 413, 'payload_too_large'],
    [parserError(415, 'encoding.unsupported'), 'compress', 415, 'unsupported_media_type'],
    [parserError(400), 'deflate', 415, 'unsupported_media_type'],
    [parserError(415, 'charset.unsupported'), 'identity', 415, 'unsupported_media_type'],
    [parserError(400, 'request.aborted'), 'identity', 400, 'validation_failed'],
    [parserError(400, 'request.size.invalid'), 'identity', 400, 'validation_failed'],
  ])('should turn a parser error into our own refusal (%#)', (error, encoding, status, code) => {
    const refusal = bodyRefusal(error, 'JSON', encoding) as AppError;
    expect(refusal).toBeInstanceOf(AppError);
    expect({ status: refusal.status, code: refusal.code }).toEqual({ status, code });
    expect(refusal.message).not.toContain('parser words');
  });

  it('should leave server-side failures to the filter as unexpected errors', () => {
    const error = parserError(500, 'stream.encoding.set');
    expect(bodyRefusal(error, 'JSON', 'identity')).toBe(error);
  });
});
