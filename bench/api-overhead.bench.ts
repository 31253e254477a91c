import { join } from 'node:path';
import { FIXTURES_DIR } from '../test/support/make-large-video';
import { HttpGateway } from '../test/harness/http-gateway';
import { BENCH_ADMIN_KEY, callbackUrl, startGatewayProcess } from './support/gateway-process';
import { load, LoadResult } from './support/load';
import { spawnNode, TS_NODE, waitForLine } from './support/processes';
import { freePort } from '../test/harness/free-port';
import { BenchResult, log } from './support/results';
import { startSandboxProcess } from './support/sandbox-process';

/** GET /api/tiktok/uploads/{id} under autocannon against a bare NestJS route, each in its own process. */
export async function benchApiOverhead(workDir: string): Promise<BenchResult[]> {
  const seconds = Number(process.env.BENCH_DURATION_SECONDS ?? 20);
  const bare = await measureBareRoute(seconds);
  const { gateway, floor, served } = await measureGatewayRoute(workDir, seconds);
  const lean = await measureLeanRoute(served, seconds);
  const share = gateway.rps / bare.rps;
  const describe = (r: LoadResult) => `${Math.round(r.rps)} req/s, p99 ${r.p99Ms} ms`;
  const cpu = (r: LoadResult) => `${Math.round(r.cpuUsPerRequest)} µs`;
  const failures = `failed requests: gateway ${gateway.failures} of ${gateway.total}, bare ${bare.failures} of ${bare.total}`;
  return [
    {
      benchmark: `GET /api/tiktok/uploads/{id}, 50 conn, ${seconds} s`,
      measured: describe(gateway),
      reference: `bare Nest: ${describe(bare)}`,
      ratio: `${(share * 100).toFixed(0)}%`,
      target: '≥ 50%, p99 < 50 ms',
      pass: share >= 0.5 && gateway.p99Ms < 50 && gateway.failures === 0,
      notes: [
        failures,
        `CPU per request: gateway ${cpu(gateway)}, bare Nest ${cpu(bare)}, the gateway's /health/live ${cpu(floor)}`,
        `gateway LOG_LEVEL=${process.env.BENCH_LOG_LEVEL ?? 'info'} (one JSON log line per request)`,
        `the gateway's own floor, GET /health/live in the same process (no key, no database, not logged): ` +
          `${describe(floor)} = ${((floor.rps / bare.rps) * 100).toFixed(0)}% of bare`,
        `the same GET's work without Nest, Express and MikroORM (bench/support/lean-status-main.ts, same database ` +
          `file, same body): ${describe(lean)} = ${((lean.rps / bare.rps) * 100).toFixed(0)}% of bare, ${cpu(lean)} per request`,
      ],
    },
  ];
}

async function measureBareRoute(seconds: number): Promise<LoadResult> {
  const bare = spawnNode([...TS_NODE, join(__dirname, 'bare', 'bare-main.ts')], { NODE_ENV: 'production' });
  try {
    const [, url] = await waitForLine(bare.child, /^BARE (\S+)$/m, 60_000);
    log(`api: bare Nest route ${url} for ${seconds} s`);
    return await load(url, seconds, bare.child.pid ?? 0);
  } finally {
    await bare.stop();
  }
}

async function measureGatewayRoute(
  workDir: string,
  seconds: number,
): Promise<{ gateway: LoadResult; floor: LoadResult; served: ServedUpload }> {
  const port = await freePort();
  const dir = join(workDir, 'api');
  const sandbox = await startSandboxProcess({ redirectUris: [callbackUrl(port)], processingDelayMs: 50 });
  try {
    const env = { RATE_LIMIT_API_PER_MINUTE: '1000000' };
    const gateway = await startGatewayProcess({ port, dir, sandbox, env });
    try {
      const { apiKey } = await new HttpGateway(gateway.url).createTenant(BENCH_ADMIN_KEY);
      const api = new HttpGateway(gateway.url, apiKey);
      await api.connect('bench-user');
      const { id } = await api.postVideo(join(FIXTURES_DIR, 'h264.mp4'), { userId: 'bench-user' });
      // A settled upload, so no worker or status poller runs beside the load.
      await api.waitForUpload(id, 20_000);
      const path = `/api/tiktok/uploads/${id}`;
      log(`api: gateway GET ${path} for ${seconds} s`);
      const pid = gateway.process.pid;
      const route = await load(`${gateway.url}${path}`, seconds, pid, { 'X-API-Key': apiKey });
      log(`api: gateway GET /health/live for ${seconds} s`);
      const floor = await load(`${gateway.url}/health/live`, seconds, pid);
      const body = await readJson(`${gateway.url}${path}`, apiKey);
      return { gateway: route, floor, served: { databasePath: join(dir, 'gateway.sqlite'), path, apiKey, body } };
    } finally {
      await gateway.stop();
    }
  } finally {
    await sandbox.stop();
  }
}

/** The upload the gateway served under load, with what it answered, in the database file it left behind. */
interface ServedUpload {
  databasePath: string;
  path: string;
  apiKey: string;
  body: unknown;
}

/**
 * The reference for "what it would take": the GET's work on a bare node:http server over the gateway's database
 * file, which must answer the body the gateway answered. Run once the gateway has stopped: its periodic writes would
 * lock the file under these reads.
 */
async function measureLeanRoute(gateway: ServedUpload, seconds: number): Promise<LoadResult> {
  const lean = spawnNode([...TS_NODE, join(__dirname, 'support', 'lean-status-main.ts'), gateway.databasePath], {
    NODE_ENV: 'production',
  });
  try {
    const [, base] = await waitForLine(lean.child, /^LEAN (\S+)$/m, 60_000);
    lean.child.stdout?.resume(); // one log line per request, drained like the gateway's
    const url = `${base}${gateway.path}`;
    const body = await readJson(url, gateway.apiKey);
    if (JSON.stringify(body) !== JSON.stringify(gateway.body)) {
      throw new Error(`the lean route answers ${JSON.stringify(body)}, the gateway ${JSON.stringify(gateway.body)}`);
    }
    log(`api: lean status route ${url} for ${seconds} s`);
    return await load(url, seconds, lean.pid, { 'X-API-Key': gateway.apiKey });
  } finally {
    await lean.stop();
  }
}

async function readJson(url: string, apiKey: string): Promise<unknown> {
  const response = await fetch(url, { headers: { 'X-API-Key': apiKey } });
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status}`);
  return response.json();
}
