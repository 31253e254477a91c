import { CallHandler } from '@nestjs/common';
import { Request } from 'express';
import { from, Observable, throwError } from 'rxjs';
import { catchError, finalize, mergeMap } from 'rxjs/operators';
import { MediaStorage } from '../../storage/media-storage';
import { IntakeLimits } from './intake-limits';

/** What a multipart form left unread for its handler: whatever the handler does not finish, is abandoned. */
interface Pending {
  abandon(reason: unknown): Promise<void>;
}

/**
 * Reads a multipart post's form (videos and photo posts alike) inside an intake place: the storage answers, the place
 * is taken (per API key and per instance, and for a local spool the free disk against the declared length), then
 * `read` runs; the place is given back if reading fails. The caller hands `release` to `handleWithForm`.
 */
export async function openFormInPlace<T>(
  req: Request,
  deps: { limits: IntakeLimits; storage: MediaStorage; spoolDir: string },
  read: () => Promise<T>,
): Promise<{ form: T; release: () => void }> {
  if (!req.tenant) throw new Error('A multipart intake interceptor is used on a route without API-key auth');
  // The free-disk check guards the local spool folder only; a bucket has no such limit to check.
  const local = deps.storage.kind === 'local';
  if (local) await deps.storage.ping();
  const release = await deps.limits.admit(req.tenant.apiKeyId, local ? deps.spoolDir : undefined, declaredLength(req));
  try {
    return { form: await read(), release };
  } catch (error) {
    release();
    throw error;
  }
}

/** Runs the handler; a refusal stops reading what it left, and the intake place is given back however it ends. */
export function handleWithForm(next: CallHandler, pending: Pending, release: () => void): Observable<unknown> {
  return next.handle().pipe(
    catchError((error: unknown) => from(pending.abandon(error)).pipe(mergeMap(() => throwError(() => error)))),
    finalize(release),
  );
}

/** What the client says it will send (0 when it does not say, e.g. chunked). */
function declaredLength(req: Request): number {
  const length = Number(req.headers['content-length']);
  return Number.isSafeInteger(length) && length > 0 ? length : 0;
}
