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
  const { gateway, floor } = await measureGatewayRoute(workDir, seconds);
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
): Promise<{ gateway: LoadResult; floor: LoadResult }> {
  const port = await freePort();
  const sandbox = await startSandboxProcess({ redirectUris: [callbackUrl(port)], processingDelayMs: 50 });
  try {
    const env = { RATE_LIMIT_API_PER_MINUTE: '1000000' };
    const gateway = await startGatewayProcess({ port, dir: join(workDir, 'api'), sandbox, env });
    try {
      const { apiKey } = await new HttpGateway(gateway.url).createTenant(BENCH_ADMIN_KEY);
      const api = new HttpGateway(gateway.url, apiKey);
      await api.connect('bench-user');
      const { id } = await api.postVideo(join(FIXTURES_DIR, 'h264.mp4'), { userId: 'bench-user' });
      // A settled upload, so no worker or status poller runs beside the load.
      await api.waitForUpload(id, 20_000);
      log(`api: gateway GET /api/tiktok/uploads/${id} for ${seconds} s`);
      const pid = gateway.process.pid;
      const route = await load(`${gateway.url}/api/tiktok/uploads/${id}`, seconds, pid, { 'X-API-Key': apiKey });
      log(`api: gateway GET /health/live for ${seconds} s`);
      return { gateway: route, floor: await load(`${gateway.url}/health/live`, seconds, pid) };
    } finally {
      await gateway.stop();
    }
  } finally {
    await sandbox.stop();
  }
}
