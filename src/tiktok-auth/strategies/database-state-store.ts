import { Request } from 'express';
import { StateStore } from 'passport-oauth2';
import { Clock } from '../../common/clock';
import { ConnectFlowService } from '../connect-flow.service';

type VerifyCallback = (error: Error | null, verifier?: string | false) => void;

/**
 * passport-oauth2's state store, kept in the database instead of a server session, so a callback may land on any
 * instance. States are created by the ticket leg (TikTokStrategy), which also binds them to the browser; here they
 * are checked and spent, yielding the PKCE verifier.
 */
export class DatabaseStateStore {
  constructor(
    private readonly flow: ConnectFlowService,
    private readonly clock: Clock,
  ) {}

  store(_req: Request, ...args: unknown[]): void {
    (args.at(-1) as (error: Error) => void)(new Error('States are created when a connect link is opened'));
  }

  verify(req: Request, state: string, _meta: unknown, done: VerifyCallback): void {
    this.flow.consumeState(state, (req.cookies ?? {}) as Record<string, string>, this.clock.now()).then(
      ({ attempt, verifier }) => {
        req.connectAttempt = attempt;
        done(null, verifier);
      },
      (error: Error) => done(error),
    );
  }

  asPassportStore(): StateStore {
    return this as unknown as StateStore;
  }
}
