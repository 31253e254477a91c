import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SandboxControl } from '../../../src/tiktok-sandbox/sandbox-control';
import { TikTokSandbox } from '../../../src/tiktok-sandbox/tiktok-sandbox';
import { createTestDatabase, TestDatabase } from '../../support/test-database';
import { freePort } from '../../harness/free-port';
import { ensureBuilt, GatewayProcess } from '../../harness/gateway-process';
import { HttpGateway, UploadView } from '../../harness/http-gateway';
import { LiveGatewaySetup, liveCredentials, liveGatewayEnv } from './live-gateway-env';
import { SecretLedger } from './secrets';

export type HostName = 'a' | 'b';

interface Host {
  port: number;
  spool: string;
  env: Record<string, string>;
  gateway?: GatewayProcess;
}

/** Root with util-linux: then each gateway gets its own mount namespace, with an empty tmpfs over the other's spool. */
export function canHideFolders(): boolean {
  try {
    execFileSync('unshare', ['--mount', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Two gateway processes on one PostgreSQL database, as on two hosts: each has its own spool folder, hidden from the
 * other when `hide` is set (so a test cannot pass because they share a disk), one sandbox knows both callbacks.
 */
export class TwoHosts {
  readonly hosts = {} as Record<HostName, Host>;
  private constructor(
    /** Every secret of the run, for the check that none reached the output. */
    readonly ledger: SecretLedger,
    readonly main: string,
    readonly setup: LiveGatewaySetup,
    readonly sandbox: TikTokSandbox,
    readonly control: SandboxControl,
    readonly database: TestDatabase,
    readonly work: string,
    private readonly hide: boolean,
  ) {}

  /** Builds (when stale), starts the sandbox and a fresh database, and starts host a, then host b. */
  static async start(options: { hide: boolean; env: (name: HostName) => Record<string, string> }): Promise<TwoHosts> {
    const main = ensureBuilt();
    const [portA, portB] = [await freePort(), await freePort()];
    const ledger = new SecretLedger();
    const setup = liveCredentials(portA, ledger);
    const publicUrls = { a: setup.publicUrl, b: `http://127.0.0.1:${portB}` };
    const sandbox = new TikTokSandbox({
      clientKey: setup.clientKey,
      clientSecret: setup.clientSecret,
      redirectUris: [publicUrls.a, publicUrls.b].map((url) => `${url}/api/auth/tiktok/callback`),
      processingDelayMs: 50,
    });
    await sandbox.start(0, '127.0.0.1');
    const database = await createTestDatabase();
    const work = mkdtempSync(join(tmpdir(), 'tgw-hosts-'));
    const control = new SandboxControl(sandbox.baseUrl);
    const two = new TwoHosts(ledger, main, setup, sandbox, control, database, work, options.hide);
    for (const [name, port] of [
      ['a', portA],
      ['b', portB],
    ] as const) {
      const spool = join(work, name, 'spool');
      mkdirSync(spool, { recursive: true });
      const wiring = {
        databaseUrl: database.url,
        apiBaseUrl: sandbox.baseUrl,
        authUrl: sandbox.authorizeUrl,
        spoolDir: spool,
      };
      const env = liveGatewayEnv({ ...setup, port, publicUrl: publicUrls[name] }, wiring, {
        INSTANCE_ID: `host-${name}`,
        // The tests poll many uploads for minutes; the API budget is not what they test.
        RATE_LIMIT_API_PER_MINUTE: '100000',
        ...options.env(name),
      });
      two.hosts[name] = { port, spool, env };
    }
    await two.startHost('a');
    await two.startHost('b');
    return two;
  }

  async startHost(name: HostName): Promise<GatewayProcess> {
    const host = this.hosts[name];
    const other = this.hosts[name === 'a' ? 'b' : 'a'];
    host.gateway = await GatewayProcess.start(this.main, host.port, host.env, join(this.work, name), {
      hide: this.hide ? join(other.spool, '..') : undefined,
    });
    return host.gateway;
  }

  gateway(name: HostName): GatewayProcess {
    const gateway = this.hosts[name].gateway;
    if (!gateway) throw new Error(`host ${name} is not running`);
    return gateway;
  }

  api(name: HostName, apiKey = ''): HttpGateway {
    return new HttpGateway(this.gateway(name).baseUrl).withApiKey(apiKey);
  }

  /** Both processes' output, for the secrets check. */
  logs(): string {
    return `${this.hosts.a.gateway?.logs() ?? ''}\n${this.hosts.b.gateway?.logs() ?? ''}`;
  }

  async stop(): Promise<void> {
    await this.hosts.a?.gateway?.stop();
    await this.hosts.b?.gateway?.stop();
    await this.sandbox.stop();
    await this.database.drop();
    rmSync(this.work, { recursive: true, force: true });
    rmSync(join(this.main, '..', '..', '..'), { recursive: true, force: true });
  }
}

/** Polls every upload until all are final. */
export async function waitForAll(gateway: HttpGateway, ids: string[], timeoutMs: number): Promise<UploadView[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const views = await Promise.all(ids.map((id) => gateway.upload(id)));
    if (views.every((u) => ['inbox_delivered', 'published', 'failed', 'cancelled'].includes(u.status))) return views;
    if (Date.now() > deadline) throw new Error(`Uploads not final in time: ${JSON.stringify(views)}`);
    await sleep(1000);
  }
}
