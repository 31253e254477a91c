import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = join(__dirname, '..', '..');
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

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface StartOptions {
  /**
   * Run the process in its own mount namespace with an empty tmpfs over this folder, as if it were on another host
   * that cannot see it (needs root and util-linux's `unshare`).
   */
  hide?: string;
  /** The node arguments instead of just `main` (e.g. `npm-cli.js start`, or profiling flags before `main`). */
  nodeArgs?: string[];
  /** Answered 200 once the process is up; `/health/ready` unless said otherwise. */
  readyPath?: string;
  timeoutMs?: number;
  /** Keep stdout and stderr for `logs()`; without, stdout is drained (a benchmark's request logs would pile up). */
  keepLogs?: boolean;
}

const running = new Set<GatewayProcess>();
// A suite or benchmark that throws must not leave a gateway behind, holding its port.
process.once('exit', () => running.forEach((gateway) => gateway.signal('SIGKILL')));

/**
 * `node dist/src/main.js` as a separate process, as production runs it. It runs in a process group of its own and
 * signals go to the whole group: under `npm start` the gateway is npm's child, which a signal to npm alone would
 * leave running.
 */
export class GatewayProcess {
  private output = '';
  private exited: Promise<ProcessExit>;

  private constructor(
    private readonly child: ChildProcess,
    readonly baseUrl: string,
    keepLogs: boolean,
  ) {
    const keep = (chunk: Buffer) => (this.output += chunk.toString('utf8'));
    if (keepLogs) child.stdout?.on('data', keep);
    else child.stdout?.resume();
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    running.add(this);
    void this.exited.then(() => running.delete(this));
  }

  /** Starts `main` (from ensureBuilt) on `port` with exactly `env` (plus PATH and HOME) and waits until it is ready. */
  static async start(
    main: string,
    port: number,
    env: Record<string, string>,
    cwd: string,
    options: StartOptions = {},
  ): Promise<GatewayProcess> {
    const nodeArgs = options.nodeArgs ?? [main];
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
          ].concat([options.hide, process.execPath, ...nodeArgs]),
        ]
      : [process.execPath, nodeArgs];
    const child = spawn(command, args, {
      cwd,
      // The copy of dist/ lives outside the repository; its packages still come from the repository's node_modules.
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        NODE_PATH: join(ROOT, 'node_modules'),
        PORT: String(port),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const gateway = new GatewayProcess(child, `http://127.0.0.1:${port}`, options.keepLogs ?? true);
    await gateway.waitUntilReady(options.readyPath ?? '/health/ready', options.timeoutMs ?? 30_000);
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

  /** Peak resident set size so far (`VmHWM`), in KiB: the benchmarks' memory figure. */
  peakRssKb(): number {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
    if (!match) throw new Error(`no VmHWM for pid ${this.pid}`);
    return Number(match[1]);
  }

  /** SIGKILL: no shutdown hook runs, leases stay taken, in-flight requests are cut. */
  async kill9(): Promise<void> {
    this.signal('SIGKILL');
    await this.exited;
  }

  /** SIGTERM, as an orchestrator sends it to start a shutdown; returns at once (see `waitForExit`). */
  terminate(): void {
    this.signal('SIGTERM');
  }

  signal(signal: NodeJS.Signals): void {
    try {
      process.kill(-this.pid, signal);
    } catch {
      // The group is gone already.
    }
  }

  /** How the process ended, or undefined when it is still running after `timeoutMs`. */
  async waitForExit(timeoutMs: number): Promise<ProcessExit | undefined> {
    return Promise.race([this.exited, sleep(timeoutMs, undefined, { ref: false })]);
  }

  async stop(): Promise<void> {
    if (!this.isRunning()) return;
    this.signal('SIGTERM');
    const stopped = await Promise.race([this.exited.then(() => true), sleep(10_000, false, { ref: false })]);
    if (!stopped) await this.kill9();
  }

  private async waitUntilReady(path: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`Gateway exited ${this.child.exitCode}:\n${this.output}`);
      const ready = await fetch(`${this.baseUrl}${path}`).catch(() => undefined);
      await ready?.body?.cancel();
      if (ready?.status === 200) return;
      await sleep(10);
    }
    await this.kill9();
    throw new Error(`Gateway not ready in ${timeoutMs} ms:\n${this.output}`);
  }
}
