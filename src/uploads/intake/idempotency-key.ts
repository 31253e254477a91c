import { ValidationFailedError } from '../../common/errors/app-error';

/** The `Idempotency-Key` header as the intake uses it: absent or empty is none, else 1 to 200 visible ASCII. */
export function validIdempotencyKey(key: string | undefined): string | undefined {
  if (key === undefined || key === '') return undefined;
  if (!/^[\x21-\x7e]{1,200}$/.test(key)) {
    throw new ValidationFailedError('Idempotency-Key must be 1 to 200 visible ASCII characters.');
  }
  return key;
}
