import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted answer: a response, a socket destroyed after the request arrived, or no answer at all. */
export type ScriptStep = { status: number; headers?: Record<string, string>; body?: unknown } | 'destroy' | 'hang';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A node:http server on 127.0.0.1:0 that answers requests with a scripted sequence and records them. */
export class ScriptedServer {
  readonly requests: SeenRequest[] = [];
  private readonly script: ScriptStep[] = [];

  private constructor(private readonly server: Server) {}

  static async start(): Promise<ScriptedServer> {
    const scripted = new ScriptedServer(createServer());
    scripted.server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        scripted.requests.push({
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks),
        });
        // Unscripted requests get a status no retry rule touches, so the test fails loudly.
        const step = scripted.script.shift() ?? { status: 418, body: 'unscripted request' };
        if (step === 'destroy') return req.socket.destroy();
        if (step === 'hang') return;
        const text =
          step.body === undefined || typeof step.body === 'string' ? (step.body ?? '') : JSON.stringify(step.body);
        res.writeHead(
          step.status,
          step.headers ?? (typeof step.body === 'object' ? { 'content-type': 'application/json' } : {}),
        );
        res.end(text);
      });
    });
    await new Promise<void>((resolve) => scripted.server.listen(0, '127.0.0.1', resolve));
    return scripted;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  answer(...steps: ScriptStep[]): void {
    this.script.push(...steps);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A port nothing listens on (connection refused), found by opening and closing a server. */
export async function closedPortUrl(): Promise<string> {
  const server = await ScriptedServer.start();
  const url = server.baseUrl;
  await server.close();
  return url;
}
