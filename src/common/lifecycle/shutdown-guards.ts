import { CanActivate, HttpStatus, Injectable, UseGuards } from '@nestjs/common';
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

/** Work that would outlive the instance (a new upload) is refused with 503 and Retry-After once shutdown begins. */
export const RefusedWhileShuttingDown = () => UseGuards(RefuseWhileShuttingDownGuard);
