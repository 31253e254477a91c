import { ParseUUIDPipe } from '@nestjs/common';
import { ValidationFailedError } from '../errors/app-error';

/** A path id that must be a UUID, refused with the error body (Nest's default text names no parameter). */
export const uuidParam = (name: string) =>
  new ParseUUIDPipe({
    exceptionFactory: () =>
      new ValidationFailedError(`The path parameter ${name} must be a UUID, as the API returned it.`, {
        parameter: name,
      }),
  });
