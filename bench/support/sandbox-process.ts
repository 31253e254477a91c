import { join } from 'node:path';
import { SandboxControl } from '../../src/tiktok-sandbox/sandbox-control';
import type { TikTokSandboxOptions } from '../../src/tiktok-sandbox/tiktok-sandbox';
import { spawnNode, TS_NODE, waitForLine, type NodeProcess } from './processes';

export const BENCH_CLIENT = { clientKey: 'bench_client_key', clientSecret: 'bench_client_secret_loopback_only' };

export interface SandboxProcess {
  baseUrl: string;
  authorizeUrl: string;
  control: SandboxControl;
  process: NodeProcess;
  stop(): Promise<void>;
}

/** A TikTok sandbox in its own node process on a free loopback port. */
export async function startSandboxProcess(options: Partial<TikTokSandboxOptions>): Promise<SandboxProcess> {
  const child = spawnNode(
    [...TS_NODE, join(__dirname, 'sandbox-main.ts'), JSON.stringify({ ...BENCH_CLIENT, ...options })],
    {},
  );
  const [, baseUrl] = await waitForLine(child.child, /^SANDBOX (\S+)$/m, 60_000);
  return {
    baseUrl,
    authorizeUrl: `${baseUrl}/v2/auth/authorize/`,
    control: new SandboxControl(baseUrl),
    process: child,
    stop: () => child.stop(),
  };
}
