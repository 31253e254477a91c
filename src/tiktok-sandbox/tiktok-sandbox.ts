import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { authorizeRoutes } from './sandbox-authorize.routes';
import { controlRoutes } from './sandbox-control.routes';
import { SandboxCore } from './sandbox-core';
import { BodyTooLargeError, createLogId, sendApiError, type RequestRecord, type RouteTable } from './sandbox-http';
import { initRoutes } from './sandbox-init.routes';
import { photoInitRoutes } from './sandbox-photo-init.routes';
import { resolveSandboxOptions, type TikTokSandboxOptions } from './sandbox-options';
import { statusRoutes } from './sandbox-status.routes';
import { tokenRoutes } from './sandbox-token.routes';
import { SandboxUploads } from './sandbox-upload.routes';
import { userRoutes } from './sandbox-user.routes';
import { videoRoutes } from './sandbox-video.routes';

export type { PkceEncoding, TikTokSandboxOptions } from './sandbox-options';

/**
 * A strict emulator of TikTok's Login Kit and Content Posting API (docs/tiktok.md), served over real HTTP so
 * the gateway's real client runs against it unchanged. Imports nothing from the rest of src/.
 */
export class TikTokSandbox {
  private readonly core: SandboxCore;
  private readonly uploads: SandboxUploads;
  private readonly routes: RouteTable;
  private server?: Server;

  constructor(options?: Partial<TikTokSandboxOptions>) {
    this.core = new SandboxCore(resolveSandboxOptions(options));
    this.uploads = new SandboxUploads(this.core);
    this.routes = {
      ...authorizeRoutes(this.core),
      ...tokenRoutes(this.core),
      ...userRoutes(this.core),
      ...videoRoutes(this.core),
      ...initRoutes(this.core),
      ...photoInitRoutes(this.core),
      ...statusRoutes(this.core),
      ...this.uploads.routes(),
      ...controlRoutes(this.core),
    };
  }

  /** Resolves the base URL, e.g. http://127.0.0.1:41234; port 0 picks a free port. */
  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    if (this.server) throw new Error('TikTokSandbox already started');
    const server = createServer((req, res) => void this.handle(req, res));
    server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
      if (this.uploads.onClientError(error, socket)) return;
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      else socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    this.core.baseUrl = `http://${urlHost}:${(server.address() as AddressInfo).port}`;
    return this.core.baseUrl;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.core.reset();
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get baseUrl(): string {
    return this.core.baseUrl;
  }

  get authorizeUrl(): string {
    return `${this.core.baseUrl}/v2/auth/authorize/`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.core.baseUrl);
    const now = this.core.now();
    const record: RequestRecord = { method: req.method ?? '', path: url.pathname, time: now };
    const ctx = { req, res, url, logId: createLogId(now), record };
    const isControl = url.pathname.startsWith('/sandbox/');
    if (!isControl) {
      this.core.state.requests.push(record);
      res.on('finish', () => (record.status = res.statusCode));
      res.setHeader('X-Tt-Logid', ctx.logId);
    }
    try {
      if (!isControl && this.core.state.faults.latencyMs > 0) await delay(this.core.state.faults.latencyMs);
      const handler = this.routes[`${req.method} ${url.pathname}`];
      if (handler) return await handler(ctx);
      req.resume();
      // Paths are exact, trailing slash included (docs/tiktok.md §3, §5).
      this.core.refuseApi(ctx, 'http.unknown_route', 404, 'not_found', `No route ${req.method} ${url.pathname}.`);
    } catch (error) {
      if (res.headersSent) return void res.destroy();
      if (error instanceof BodyTooLargeError)
        return sendApiError(ctx, 413, 'invalid_params', 'Request body too large.');
      sendApiError(ctx, 500, 'internal_error', 'Sandbox internal error.');
    }
  }
}
