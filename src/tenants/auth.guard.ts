import { CanActivate, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Request } from 'express';
import { AppConfig } from '../config/app-config';
import { AuthFailureLimiter } from '../rate-limits/auth-failure-limiter';
import { ApiKeysService } from './api-keys.service';
import { AppError } from '../common/errors/app-error';
import { hashSecret, secretsEqual } from '../common/crypto/secret-hash';
import { authKindOf } from '../common/auth/auth.decorators';

/** One global guard: API key by default, admin key or nothing where a route says so. */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly adminKeyHash: string | undefined;

  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly failures: AuthFailureLimiter,
    config: ConfigService<AppConfig, true>,
  ) {
    const adminKey = config.get('app', { infer: true }).adminApiKey;
    this.adminKeyHash = adminKey ? hashSecret(adminKey) : undefined;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const kind = authKindOf(context);
    const request = context.switchToHttp().getRequest<Request>();
    if (kind === 'public') return true;
    // An address that sent too many wrong keys is refused before its key is even looked at.
    const source = String(request.ip);
    await this.failures.assertNotBlocked(source);
    if (kind === 'admin') return this.checkAdminKey(request.header('x-admin-key'), source);
    const rawKey = request.header('x-api-key');
    if (!rawKey) {
      // A common first try: the key as a bearer token, which this service never reads.
      const bearer = /^bearer\s/i.test(request.header('authorization') ?? '');
      throw unauthorized(
        bearer
          ? 'Send your API key in the X-API-Key header; this service does not read Authorization: Bearer.'
          : 'Send your API key in the X-API-Key header.',
      );
    }
    const tenant = await this.apiKeys.authenticate(rawKey);
    if (!tenant) throw await this.wrongKey(source, 'The API key is wrong or has been revoked.');
    request.tenant = tenant;
    return true;
  }

  private async checkAdminKey(given: string | undefined, source: string): Promise<boolean> {
    if (!this.adminKeyHash) throw unauthorized('Admin endpoints are disabled: ADMIN_API_KEY is not set.');
    if (!given) throw unauthorized('Send the admin key in the X-Admin-Key header.');
    // Comparing fixed-length hashes keeps the comparison constant-time whatever the given length.
    if (!secretsEqual(hashSecret(given), this.adminKeyHash))
      throw await this.wrongKey(source, 'The admin key is wrong.');
    return true;
  }

  /** A wrong key counts against its source address; a missing one is a mistake, not a guess, and does not. */
  private async wrongKey(source: string, message: string): Promise<AppError> {
    await this.failures.recordFailure(source);
    return unauthorized(message);
  }
}

function unauthorized(message: string): AppError {
  return new AppError('unauthorized', message, HttpStatus.UNAUTHORIZED);
}
