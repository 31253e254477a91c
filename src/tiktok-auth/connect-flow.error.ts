import { HttpStatus } from '@nestjs/common';
import { AppError, ErrorCode } from '../common/errors/app-error';

/** Why a connect flow ended without a connection; sent to the tenant's return URL as `reason`. */
export type ConnectFailureReason =
  | 'ticket_unknown'
  | 'ticket_used'
  | 'ticket_expired'
  | 'state_unknown'
  | 'state_used'
  | 'state_expired'
  | 'other_browser'
  | 'access_denied'
  | 'tiktok_authorization_error'
  | 'tiktok_error'
  | 'tiktok_unavailable';

const MESSAGES: Record<ConnectFailureReason, string> = {
  ticket_unknown: 'This connect link is not valid; ask the application for a new one.',
  ticket_used: 'This connect link was already used; ask the application for a new one.',
  ticket_expired: 'This connect link has expired (links live 10 minutes); ask the application for a new one.',
  state_unknown: 'This TikTok sign-in response does not belong to any connect attempt; start again.',
  state_used: 'This TikTok sign-in response was already used; start again.',
  state_expired: 'The TikTok sign-in took too long (10 minutes); start again.',
  other_browser: 'This TikTok sign-in was started in another browser; open the connect link in this browser.',
  access_denied: 'The TikTok account was not connected because access was declined.',
  tiktok_authorization_error: 'TikTok refused the authorization request.',
  tiktok_error: 'TikTok refused to issue tokens for this sign-in.',
  tiktok_unavailable: 'TikTok could not be reached; try again in a moment.',
};

/** A connect flow failure; with `returnUrl` the browser is sent back there instead of getting a JSON error. */
export class ConnectFlowError extends AppError {
  constructor(
    readonly reason: ConnectFailureReason,
    readonly returnUrl?: string,
    code: ErrorCode = 'invalid_state',
    status: HttpStatus = HttpStatus.BAD_REQUEST,
    details: Record<string, unknown> = {},
  ) {
    super(code, MESSAGES[reason], status, { reason, ...details });
  }
}
