import { createServer, Server, Socket, connect } from 'node:net';
import { AddressInfo } from 'node:net';

/**
 * How the proxy treats traffic: `up` forwards; `refuse` closes its port (what a stopped server looks like:
 * ECONNREFUSED); `reset` accepts and resets at once; `blackhole` accepts and holds, forwarding nothing
 * (a hung server). Every mode but `up` cuts the connections already open.
 */
export type ProxyMode = 'up' | 'refuse' | 'reset' | 'blackhole';

/**
 * A TCP proxy on 127.0.0.1 between a client under test and a real server (PostgreSQL, the TikTok sandbox), so a
 * test can take the server away and give it back without stopping it: shared PostgreSQL keeps serving other
 * suites, and the sandbox keeps its tokens (TikTokSandbox.stop() forgets them). Restarts on the same port.
 */
export class TcpProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private currentMode: ProxyMode = 'up';
  /** Connections accepted while held in `blackhole`, with the first bytes each sent (to see what was attempted). */
  readonly held: { bytes: Buffer }[] = [];
  port = 0;

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(target.host, target.port);
    await proxy.listen(0);
    return proxy;
  }

  /** `host:port` → proxy in front of it; `url` keeps its scheme, credentials and path. */
  static forUrl(url: string): { host: string; port: number } {
    const parsed = new URL(url);
    const port = Number(
      parsed.port || (parsed.protocol === 'https:' ? 443 : parsed.protocol.startsWith('postgres') ? 5432 : 80),
    );
    return { host: parsed.hostname, port };
  }

  /** `url` with its host and port replaced by the proxy's. */
  rewrite(url: string): string {
    const parsed = new URL(url);
    parsed.hostname = '127.0.0.1';
    parsed.port = String(this.port);
    return parsed.toString().replace(/\/$/, url.endsWith('/') ? '/' : '');
  }

  async setMode(mode: ProxyMode): Promise<void> {
    const wasListening = this.currentMode !== 'refuse';
    this.currentMode = mode;
    if (mode !== 'up') this.cutAll();
    if (mode === 'refuse' && wasListening) await this.unlisten();
    if (mode !== 'refuse' && !wasListening) await this.listen(this.port);
  }

  async close(): Promise<void> {
    this.cutAll();
    await this.unlisten();
  }

  private cutAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  }

  private accept(client: Socket): void {
    this.track(client);
    if (this.currentMode === 'reset') return void client.resetAndDestroy();
    if (this.currentMode === 'blackhole') {
      const entry = { bytes: Buffer.alloc(0) };
      this.held.push(entry);
      client.on('data', (chunk: Buffer) => (entry.bytes = Buffer.concat([entry.bytes, chunk])));
      return;
    }
    const upstream = connect(this.targetPort, this.targetHost);
    this.track(upstream);
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }

  private async listen(port: number): Promise<void> {
    const server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  private async unlisten(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}
