import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { PassportStrategy } from '@nestjs/passport';
import { Request } from 'express';
import { Passport } from 'passport';
import { Strategy as OAuth2Strategy } from 'passport-oauth2';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { TikTokApiClient } from '../../tiktok-api/tiktok-api.client';
import { TikTokTokenSet, TikTokUserInfo } from '../../tiktok-api/tiktok-api.models';
import { TokensService } from '../../tokens/tokens.service';
import { ConnectAttempt } from '../connect-attempt.entity';
import { ConnectFlowError } from '../connect-flow.error';
import { ConnectFlowService } from '../connect-flow.service';
import { DatabaseStateStore } from './database-state-store';

export interface ConnectedUser {
  attempt: ConnectAttempt;
  openId: string;
}

type Callback = (error: unknown, ...results: unknown[]) => void;

/**
 * TikTok Login Kit on passport-oauth2 (https://developers.tiktok.com/doc/login-kit-web): `client_key` instead of
 * `client_id`, comma-separated scopes, a PKCE challenge in TikTok's hex encoding by default
 * (https://developers.tiktok.com/doc/login-kit-desktop), a database-backed state store bound to the browser, and
 * token/profile calls through TikTokApiClient (which judges TikTok's answers by their body).
 */
@Injectable()
export class TikTokStrategy extends PassportStrategy(OAuth2Strategy, 'tiktok', 6) {
  constructor(
    private readonly flow: ConnectFlowService,
    private readonly tiktok: TikTokApiClient,
    private readonly tokens: TokensService,
    private readonly clock: Clock,
    private readonly config: ConfigService<AppConfig, true>,
  ) {
    const tiktokConfig = config.get('tiktok', { infer: true });
    super({
      authorizationURL: tiktokConfig.authUrl,
      tokenURL: `${tiktokConfig.apiBaseUrl}/v2/oauth/token/`,
      clientID: tiktokConfig.clientKey,
      clientSecret: tiktokConfig.clientSecret,
      callbackURL: tiktokConfig.redirectUri,
      scope: tiktokConfig.scopes,
      scopeSeparator: ',',
      passReqToCallback: true,
      pkce: true,
      state: true,
      store: new DatabaseStateStore(flow, clock).asPassportStore(),
    });
    // The token exchange goes through our TikTok client, not node-oauth (which sends client_id).
    const exchange = (code: string, params: Record<string, string>, done: Callback) => {
      this.tiktok
        .exchangeCode({ code, redirectUri: params.redirect_uri, codeVerifier: params.code_verifier })
        .then((tokenSet) => done(null, tokenSet.accessToken, tokenSet.refreshToken, tokenSet), done);
    };
    this._oauth2.getOAuthAccessToken = exchange as typeof this._oauth2.getOAuthAccessToken;
  }

  /** Strategies register on a private Passport so several app instances in one process stay apart. */
  getPassportInstance() {
    return new Passport();
  }

  override authenticate(req: Request, options?: object): void {
    if (typeof req.query.error === 'string') return void this.failFromTikTok(req);
    if (typeof req.query.code === 'string') return super.authenticate(req, options);
    void this.redirectToTikTok(req);
  }

  override userProfile(accessToken: string, done: Callback): void {
    this.tiktok.getUserInfo(accessToken).then((profile) => done(null, profile), done);
  }

  async validate(
    req: Request,
    _access: string,
    _refresh: string,
    tokenSet: TikTokTokenSet,
    profile: TikTokUserInfo,
  ): Promise<ConnectedUser> {
    const attempt = req.connectAttempt as ConnectAttempt;
    await this.tokens.saveConnection(attempt.tenant.id, attempt.userId, tokenSet, profile, this.clock.now());
    return { attempt, openId: tokenSet.openId };
  }

  /** The ticket leg: spend the ticket, bind the flow to this browser, and send it to TikTok's authorization page. */
  private async redirectToTikTok(req: Request): Promise<void> {
    try {
      const ticket = typeof req.query.ticket === 'string' ? req.query.ticket : undefined;
      const start = await this.flow.startAuthorization(ticket, this.clock.now());
      const { publicUrl } = this.config.get('app', { infer: true });
      req.res?.cookie(start.browserCookie.name, start.browserCookie.value, {
        httpOnly: true,
        sameSite: 'lax',
        secure: publicUrl.startsWith('https:'),
        maxAge: start.browserCookie.maxAgeMs,
        path: '/api/auth/tiktok',
      });
      this.redirect(this.authorizeUrl(start.state, start.codeChallenge));
    } catch (error) {
      this.error(error as Error);
    }
  }

  /** Login Kit's authorize parameters: client_key, comma-separated scope, response_type, redirect_uri, state, S256. */
  private authorizeUrl(state: string, challenge: string): string {
    const tiktok = this.config.get('tiktok', { infer: true });
    const url = new URL(tiktok.authUrl);
    url.searchParams.set('client_key', tiktok.clientKey);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('scope', tiktok.scopes.join(','));
    url.searchParams.set('redirect_uri', tiktok.redirectUri);
    url.searchParams.set('state', state);
    url.searchParams.set('code_challenge', challenge);
    url.searchParams.set('code_challenge_method', 'S256');
    return url.toString();
  }

  /** TikTok sent the browser back with an error (the user declined, or the request was refused). */
  private async failFromTikTok(req: Request): Promise<void> {
    try {
      const state = typeof req.query.state === 'string' ? req.query.state : undefined;
      const { attempt } = await this.flow.consumeState(state, req.cookies ?? {}, this.clock.now());
      const tiktokError = String(req.query.error);
      const reason = tiktokError === 'access_denied' ? 'access_denied' : 'tiktok_authorization_error';
      // Without a return URL every failed callback answers 400 with the error body, a declined consent too.
      this.error(new ConnectFlowError(reason, attempt.returnUrl, 'forbidden', 400, { tiktokError }));
    } catch (error) {
      this.error(error as Error);
    }
  }
}

declare module 'express-serve-static-core' {
  interface Request {
    connectAttempt?: ConnectAttempt;
  }
}
