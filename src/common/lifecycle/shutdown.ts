import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleDestroy,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppConfig } from '../../config/app-config';

/** The signals Nest's shutdown hooks close the app on (app.factory.ts); draining starts on the signal itself. */
const SHUTDOWN_SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/**
 * The service's shutdown, as a rolling deploy needs it. On SIGTERM (the signal itself, before any of Nest's hooks,
 * some of which wait; or `onModuleDestroy` when the app is closed without a signal) it starts draining: readiness answers 503, new uploads are refused, event streams end, workers stop after their current step
 * and hand their leases back. Work in flight then gets SHUTDOWN_GRACE_SECONDS in all; whatever is still running after
 * that is left, as after a crash, to the other instances once its lease lapses.
 */
@Injectable()
export class Shutdown
  implements OnApplicationBootstrap, OnModuleDestroy, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger(Shutdown.name);
  private readonly draining$ = new AbortController();
  private readonly graceMs: number;
  private deadline: Promise<void> | undefined;
  private requestsInFlight = 0;
  private requestsDone: (() => void)[] = [];

  constructor(
    config: ConfigService<AppConfig, true>,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.graceMs = config.get('app', { infer: true }).shutdownGraceSeconds * 1000;
  }

  /** True from the first moment of shutdown on. */
  get draining(): boolean {
    return this.draining$.signal.aborted;
  }

  /** Aborted when shutdown begins. */
  get signal(): AbortSignal {
    return this.draining$.signal;
  }

  /** Waits for `work` within the grace period; false when the period ended first (the work is then abandoned). */
  async withinGrace(work: Promise<unknown>): Promise<boolean> {
    this.begin();
    return Promise.race([work.then(() => true), this.deadline!.then(() => false)]);
  }

  onApplicationBootstrap(): void {
    // First among the server's listeners, so the header is set before Express answers (a 404 answers synchronously).
    this.server()?.prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
      this.requestsInFlight += 1;
      response.once('close', () => this.requestFinished());
      // While draining, no connection is kept for a next request: the client's next one opens a connection the
      // balancer sends to another instance. Not for a request with a body (a refused upload): closing would cut
      // the client off while it still sends, so it never reads the 503; Node reads the body off instead, and the
      // client's next request on that connection gets the close (the grace's end cuts whatever is left).
      if (this.draining && !response.headersSent && !hasBody(request)) response.setHeader('Connection', 'close');
    });
    SHUTDOWN_SIGNALS.forEach((signal) => process.prependListener(signal, this.onSignal));
  }

  onModuleDestroy(): void {
    this.begin();
  }

  onApplicationShutdown(): void {
    SHUTDOWN_SIGNALS.forEach((signal) => process.removeListener(signal, this.onSignal));
  }

  private readonly onSignal = () => this.begin();

  /** Before Nest closes the HTTP server (which waits for every open request): requests in flight get the grace. */
  async beforeApplicationShutdown(): Promise<void> {
    const finished = await this.withinGrace(this.noRequestsInFlight());
    if (!finished)
      this.logger.warn(`${this.requestsInFlight} request(s) still in flight after the grace period; closing them`);
  }

  private begin(): void {
    if (this.deadline) return;
    this.deadline = sleep(this.graceMs, undefined, { ref: false });
    // Whatever still holds a connection then (a request that outlived the grace) is cut, so the server can close.
    void this.deadline.then(() => this.server()?.closeAllConnections());
    this.draining$.abort();
    this.logger.log(
      `Shutting down: not ready, refusing new uploads, finishing work in flight for up to ${this.graceMs / 1000} s`,
    );
  }

  private noRequestsInFlight(): Promise<void> {
    if (this.requestsInFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.requestsDone.push(resolve));
  }

  private requestFinished(): void {
    this.requestsInFlight -= 1;
    if (this.requestsInFlight > 0) return;
    this.requestsDone.splice(0).forEach((resolve) => resolve());
  }

  private server(): Server | undefined {
    return this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
  }
}

function hasBody(request: IncomingMessage): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
