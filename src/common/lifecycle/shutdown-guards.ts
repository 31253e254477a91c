import {
  CallHandler,
  CanActivate,
  ExecutionContext,
  HttpStatus,
  Injectable,
  NestInterceptor,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { Observable, takeUntil } from 'rxjs';
import { AppError } from '../errors/app-error';
import { Shutdown } from './shutdown';

/** Another instance can take the request at once; the balancer stops sending here within its check interval. */
const RETRY_AFTER_SECONDS = 1;

@Injectable()
class RefuseWhileShuttingDownGuard implements CanActivate {
  constructor(private readonly shutdown: Shutdown) {}

  canActivate(): boolean {
    if (!this.shutdown.draining) return true;
    throw new AppError(
      'service_unavailable',
      'This instance is shutting down; send the request again and another instance will take it.',
      HttpStatus.SERVICE_UNAVAILABLE,
      { retryAfterSeconds: RETRY_AFTER_SECONDS },
    );
  }
}

@Injectable()
class EndOnShutdownInterceptor implements NestInterceptor {
  constructor(private readonly shutdown: Shutdown) {}

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(takeUntil(drained(this.shutdown.signal)));
  }
}

/** Work that would outlive the instance (a new upload) is refused with 503 and Retry-After once shutdown begins. */
export const RefusedWhileShuttingDown = () => UseGuards(RefuseWhileShuttingDownGuard);

/** A stream (server-sent events) ends cleanly when shutdown begins; the client reconnects to another instance. */
export const EndsOnShutdown = () => UseInterceptors(EndOnShutdownInterceptor);

/** Emits once shutdown has begun: at once when it already has. */
function drained(signal: AbortSignal): Observable<void> {
  return new Observable<void>((subscriber) => {
    const emit = () => subscriber.next();
    if (signal.aborted) return emit();
    signal.addEventListener('abort', emit, { once: true });
    return () => signal.removeEventListener('abort', emit);
  });
}
