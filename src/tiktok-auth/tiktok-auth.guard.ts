import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Request, Response } from 'express';
import passport from 'passport';
import { AppError } from '../common/errors/app-error';
import { TikTokApiError, TikTokUnavailableError } from '../tiktok-api/tiktok-api.error';
import { connectsTotal } from '../tokens/tokens.metrics';
import { ConnectFlowError } from './connect-flow.error';
import { TikTokStrategy } from './strategies/tiktok.strategy';

/**
 * Runs the TikTok strategy for this app's own instance (not a global registration, so two app instances in one
 * process never borrow each other's), and turns every failure into a ConnectFlowError that knows the return URL.
 */
@Injectable()
export class TikTokAuthGuard implements CanActivate {
  constructor(private readonly strategy: TikTokStrategy) {}

  canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const res = context.switchToHttp().getResponse<Response>();
    // Passport writes this request's success/fail/redirect/error actions onto the strategy object it is handed (it
    // copies only strategies it looks up by name). The shared instance would let overlapping connects answer each
    // other's browsers, so each request gets its own object whose prototype is the strategy.
    const strategy = Object.create(this.strategy) as TikTokStrategy;
    return new Promise((resolve, reject) => {
      // On the ticket leg the strategy answers with a redirect itself and this callback is not called.
      passport.authenticate(strategy, { session: false }, (error: unknown, user: unknown) => {
        if (error || !user) {
          const failure = toConnectFlowError(error, req);
          connectsTotal.inc({ outcome: failure instanceof ConnectFlowError ? failure.reason : 'error' });
          return reject(failure);
        }
        req.user = user;
        resolve(true);
      })(req, res, reject);
    });
  }
}

/** Unexpected errors pass through unchanged (the filter answers 500 without internals). */
function toConnectFlowError(error: unknown, req: Request): Error {
  if (error instanceof ConnectFlowError) return error;
  const returnUrl = req.connectAttempt?.returnUrl;
  // passport-oauth2 wraps token-exchange failures in InternalOAuthError({ oauthError }).
  const cause = (error as { oauthError?: unknown } | undefined)?.oauthError ?? error;
  if (cause instanceof TikTokUnavailableError) {
    return new ConnectFlowError('tiktok_unavailable', returnUrl, 'tiktok_unavailable', 503);
  }
  if (cause instanceof TikTokApiError) {
    return new ConnectFlowError('tiktok_error', returnUrl, 'tiktok_error', 502, {
      code: cause.tiktokCode,
      logId: cause.logId,
    });
  }
  if (cause instanceof AppError) return cause;
  return cause instanceof Error ? cause : new Error('TikTok sign-in failed');
}
