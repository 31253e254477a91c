import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = join(__dirname, '..', '..', '..');
const MAIN = join(ROOT, 'dist', 'src', 'main.js');

/**
 * Builds dist/ unless it is newer than every source file (`npx nest build` takes ~30 s on 2 cores), then runs a
 * private copy of it: a `nest build` elsewhere empties dist/ first, which must not pull the code from under a test.
 */
export function ensureBuilt(): string {
  if (!existsSync(MAIN) || newestMtime(join(ROOT, 'src')) >= statSync(MAIN).mtimeMs) {
    execFileSync('npx', ['nest', 'build'], { cwd: ROOT, stdio: 'pipe' });
  }
  const copy = mkdtempSync(join(tmpdir(), 'tgw-dist-'));
  cpSync(join(ROOT, 'dist'), join(copy, 'dist'), { recursive: true });
  return join(copy, 'dist', 'src', 'main.js');
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (!entry.name.endsWith('.spec.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** A free TCP port on 127.0.0.1 (the gateway must know its port before it starts: the redirect URI names it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** `node dist/src/main.js` as a separate process, as production runs it, with its output kept for inspection. */
export class GatewayProcess {
  private output = '';
  private exited: Promise<ProcessExit>;

  private constructor(
    private readonly child: ChildProcess,
    readonly baseUrl: string,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /**
   * Starts `main` (from ensureBuilt) on `port` with exactly `env` (plus PATH) and waits until /health/ready answers 200.
   * With `hide`, the process runs in its own mount namespace with an empty tmpfs over that folder, as if it were on
   * another host that cannot see it (needs root and util-linux's `unshare`).
   */
  static async start(
    main: string,
    port: number,
    env: Record<string, string>,
    cwd: string,
    options: { hide?: string } = {},
  ): Promise<GatewayProcess> {
    const [command, args] = options.hide
      ? [
          'unshare',
          [
            '--mount',
            '--propagation',
            'private',
            'sh',
            '-c',
            'mount -t tmpfs tmpfs "$1" && exec "$2" "$3"',
            'sh',
          ].concat([options.hide, process.execPath, main]),
        ]
      : [process.execPath, [main]];
    const child = spawn(command, args, {
      cwd,
      // The copy of dist/ lives outside the repository; its packages still come from the repository's node_modules.
      env: { PATH: process.env.PATH ?? '', NODE_PATH: join(ROOT, 'node_modules'), PORT: String(port), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const gateway = new GatewayProcess(child, `http://127.0.0.1:${port}`);
    await gateway.waitUntilReady();
    return gateway;
  }

  /** The process id, also with `hide` (`exec` keeps it): tests read /proc/<pid>/fd and /proc/<pid>/root. */
  get pid(): number {
    return this.child.pid ?? 0;
  }

  /** Whether the process is still running. */
  isRunning(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Everything the process wrote to stdout and stderr. */
  logs(): string {
    return this.output;
  }

  /** SIGKILL: no shutdown hook runs, leases stay taken, in-flight requests are cut. */
  async kill9(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM, as an orchestrator sends it to start a shutdown; returns at once (see `waitForExit`). */
  terminate(): void {
    this.child.kill('SIGTERM');
  }

  /** How the process ended, or undefined when it is still running after `timeoutMs`. */
  async waitForExit(timeoutMs: number): Promise<ProcessExit | undefined> {
    return Promise.race([this.exited, sleep(timeoutMs, undefined, { ref: false })]);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const stopped = await Promise.race([this.exited.then(() => true), sleep(10_000, false, { ref: false })]);
    if (!stopped) await this.kill9();
  }

  private async waitUntilReady(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`Gateway exited ${this.child.exitCode}:\n${this.output}`);
      const ready = await fetch(`${this.baseUrl}/health/ready`).catch(() => undefined);
      if (ready?.status === 200) return;
      await sleep(100);
    }
    await this.kill9();
    throw new Error(`Gateway not ready in ${timeoutMs} ms:\n${this.output}`);
  }
}
