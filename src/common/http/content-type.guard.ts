import { CanActivate, ExecutionContext, HttpStatus, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Request } from 'express';
import { AppError } from '../errors/app-error';

const ACCEPTED_BODIES = 'accepted-bodies';

interface AcceptedBodies {
  types: string[];
  /** What to send, for the 415's message. */
  hint: string;
}

const JSON_ONLY: AcceptedBodies = { types: ['application/json'], hint: 'Send the body as application/json.' };

/** The body types a route reads (every other route reads JSON only); the guard refuses the rest with 415. */
export const AcceptsBodies = (types: string[], hint: string) =>
  SetMetadata(ACCEPTED_BODIES, { types, hint } satisfies AcceptedBodies);

/**
 * A body the route cannot read is refused with 415 naming what to send, rather than read as nothing and refused
 * for a missing field (a form-urlencoded body would otherwise be parsed and accepted in place of JSON).
 */
@Injectable()
export class ContentTypeGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<Request>();
    if (!hasBody(request)) return true;
    const accepted =
      this.reflector.getAllAndOverride<AcceptedBodies | undefined>(ACCEPTED_BODIES, [
        context.getHandler(),
        context.getClass(),
      ]) ?? JSON_ONLY;
    if (request.is(accepted.types)) return true;
    const given = request.headers['content-type'];
    throw new AppError(
      'unsupported_media_type',
      `${accepted.hint} This request sent ${given ? `Content-Type ${given}` : 'no Content-Type'}.`,
      HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      { contentType: given ?? null, accepted: accepted.types },
    );
  }
}

function hasBody(request: Request): boolean {
  if (!['POST', 'PUT', 'PATCH'].includes(request.method)) return false;
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
