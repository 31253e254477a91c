import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayProcess as GatewayChild } from '../../test/harness/gateway-process';
import { REPO_ROOT } from './processes';
import { BENCH_CLIENT, type SandboxProcess } from './sandbox-process';

export const BENCH_ADMIN_KEY = `bench-admin-${randomBytes(16).toString('hex')}`;
export const BENCH_TOKEN_KEYS = `bench:${randomBytes(32).toString('base64')}`;
let gatewayMain = join(REPO_ROOT, 'dist', 'src', 'main.js');

/** The Node.js options `npm start` runs the gateway with (package.json), so the bench measures the same process. */
function startScriptNodeFlags(): string[] {
  const { scripts } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  return scripts.start.split(' ').filter((word) => word.startsWith('--'));
}

/**
 * Copies the built gateway (dist/) into the bench's folder, beside a link to node_modules, so a rebuild in the
 * working tree during the run (nest build empties dist/) cannot pull the files from under a starting process.
 */
export function snapshotGateway(workDir: string): void {
  const app = join(workDir, 'app');
  cpSync(join(REPO_ROOT, 'dist'), join(app, 'dist'), { recursive: true });
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(app, 'node_modules'), 'dir');
  gatewayMain = join(app, 'dist', 'src', 'main.js');
}

export interface GatewayProcess {
  url: string;
  process: GatewayChild;
  /** Spawn to first 200 of /health/live, in ms. */
  startMs: number;
  stop(): Promise<void>;
}

export interface GatewayOptions {
  port: number;
  /** Holds the SQLite file and the spool; a fresh folder is a fresh database. */
  dir: string;
  sandbox: SandboxProcess;
  env?: Record<string, string>;
  /** Run `npm start` in the repository (its prestart skips the build when dist/ is current) instead of dist/. */
  npmStart?: boolean;
  /** Node options before the gateway's main (not with npmStart). */
  nodeArgs?: string[];
}

/** npm's own script when the bench runs under `npm run bench`. */
function npmCli(): string {
  const cli = process.env.npm_execpath;
  if (!cli) throw new Error('run the bench through `npm run bench` to measure `npm start`');
  return cli;
}

/** The built gateway (`node dist/src/main.js`, as `npm start` runs it) in live mode against a loopback sandbox. */
export async function startGatewayProcess({
  port,
  dir,
  sandbox,
  env = {},
  npmStart = false,
  nodeArgs = [],
}: GatewayOptions): Promise<GatewayProcess> {
  mkdirSync(join(dir, 'spool'), { recursive: true });
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const command = npmStart
    ? [npmCli(), 'start']
    : // e.g. BENCH_GATEWAY_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the gateway under a benchmark;
      // given after npm start's own options, it can also override them (of a V8 flag given twice, the last counts).
      [
        ...startScriptNodeFlags(),
        ...(process.env.BENCH_GATEWAY_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
        ...nodeArgs,
        gatewayMain,
      ];
  const child = await GatewayChild.start(
    gatewayMain,
    port,
    {
      NODE_ENV: 'production',
      TIKTOK_MODE: 'live',
      PUBLIC_URL: url,
      DATABASE_URL: `sqlite:${join(dir, 'gateway.sqlite')}`,
      ADMIN_API_KEY: BENCH_ADMIN_KEY,
      TOKEN_ENCRYPTION_KEYS: BENCH_TOKEN_KEYS,
      TIKTOK_CLIENT_KEY: BENCH_CLIENT.clientKey,
      TIKTOK_CLIENT_SECRET: BENCH_CLIENT.clientSecret,
      TIKTOK_AUTH_URL: sandbox.authorizeUrl,
      TIKTOK_API_BASE_URL: sandbox.baseUrl,
      UPLOAD_SPOOL_DIR: join(dir, 'spool'),
      TOKEN_REFRESH_INTERVAL_SECONDS: '3600',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
      ...env,
    },
    npmStart ? REPO_ROOT : dir,
    // The gateway logs every request at info: the bench drains stdout rather than keeping it.
    // A first `npm start` may build first (~15-40 s on 2 cores).
    { nodeArgs: command, readyPath: '/health/live', keepLogs: false, timeoutMs: npmStart ? 180_000 : 30_000 },
  );
  return { url, process: child, startMs: performance.now() - started, stop: () => child.stop() };
}

export function callbackUrl(port: number): string {
  return `http://127.0.0.1:${port}/api/auth/tiktok/callback`;
}
