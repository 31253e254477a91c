import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeLargeVideo } from '../test/support/make-large-video';
import { HttpGateway } from '../test/harness/http-gateway';
import { BENCH_ADMIN_KEY, callbackUrl, startGatewayProcess } from './support/gateway-process';
import { flushToDisk, spawnNode, TS_NODE, waitForLine } from './support/processes';
import { freePort } from '../test/harness/free-port';
import { BenchResult, log, mib, seconds } from './support/results';
import { startSandboxProcess, type SandboxProcess } from './support/sandbox-process';
import { uploadWithCurl } from './support/curl-upload';
import { uploadToPlainSink } from './support/plain-sink';

const GIB = 1024 ** 3;
const SIZES = [100_000_000, GIB];
const RSS_LIMIT_KB = 150 * 1024;
/**
 * Flat memory: the 1 GiB upload may peak at most this much above the 100 MB one. One size's peak varied by up to
 * ±10 MiB between runs on a shared 2-CPU machine, so one failing run is a hint, and repeated ones are the verdict.
 */
const FLAT_LIMIT_KB = 10 * 1024;
const MEMORY_SAMPLER = join(__dirname, 'support', 'memory-sampler.cjs');

interface GatewayRun {
  totalMs: number;
  intakeMs: number;
  peakRssKb: number;
  /** VmHWM after start and connect, before the upload. */
  idleRssKb: number;
  putCount: number;
  /** process.memoryUsage() at the highest RSS sampled (every 250 ms) during the run. */
  atPeak: NodeJS.MemoryUsage;
}

/**
 * A video through the gateway process until TikTok's 201 on the last chunk. The reference is the same client posting
 * the same multipart body to a plain node:http sink that stores it: the intake may take 1.3 times that, the whole
 * way to TikTok (a second transfer, the chunk PUTs) 2 times. curl PUTting the same chunks is reported beside it.
 */
export function benchUpload(workDir: string): Promise<BenchResult[]> {
  return benchUploadWith(workDir, 'local');
}

/** The same with UPLOAD_STORAGE=s3: the intake streams into s3rver (its own process, loopback), chunks are ranged GETs. */
export async function benchUploadS3(workDir: string): Promise<BenchResult[]> {
  const s3 = spawnNode([...TS_NODE, join(__dirname, 'support', 's3-main.ts')], {});
  try {
    const [, env] = await waitForLine(s3.child, /^S3 (\{.*\})$/m, 60_000);
    return await benchUploadWith(workDir, 's3', JSON.parse(env) as Record<string, string>);
  } finally {
    await s3.stop();
  }
}

async function benchUploadWith(
  workDir: string,
  storage: 'local' | 's3',
  env: Record<string, string> = {},
): Promise<BenchResult[]> {
  const label = storage === 's3' ? ' (UPLOAD_STORAGE=s3, s3rver on loopback)' : '';
  const sizes = storage === 's3' ? (process.env.BENCH_S3_SIZES?.split(',').map(Number) ?? SIZES) : SIZES;
  const port = await freePort();
  const sandbox = await startSandboxProcess({ redirectUris: [callbackUrl(port)] });
  const runs = new Map<number, GatewayRun>();
  let curlMs = 0;
  const sinkRuns: number[] = [];
  try {
    for (const size of sizes) {
      const dir = mkdtempSync(join(workDir, `upload-${size}-`));
      try {
        const video = await makeLargeVideo(size, dir);
        flushToDisk();
        // The sink runs before and after the gateway, and the faster run is the reference: on a shared machine one
        // slow run should not flatter the gateway.
        const toSink = async () => {
          log('upload: the same client and body to a plain node:http sink that stores it');
          sinkRuns.push(await uploadToPlainSink(video, dir));
          log(`upload: plain sink ${seconds(sinkRuns[sinkRuns.length - 1])}`);
          flushToDisk();
        };
        if (size === GIB) await toSink();
        log(`upload: ${mib(size)} through the gateway${label}`);
        runs.set(size, await uploadThroughGateway(sandbox, port, dir, video, size, env));
        log(`upload: ${JSON.stringify(runs.get(size))}`);
        if (size === GIB) {
          await toSink();
          log('upload: the same file, same chunks, same sandbox with curl');
          curlMs = await uploadWithCurl(sandbox, callbackUrl(port), video, dir);
          log(`upload: curl ${seconds(curlMs)}`);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    await sandbox.stop();
  }
  const big = runs.get(GIB) as GatewayRun;
  const sinkMs = Math.min(...sinkRuns);
  const intakeRatio = big.intakeMs / sinkMs;
  const totalRatio = big.totalMs / sinkMs;
  const curlRatio = big.totalMs / curlMs;
  // With S3 the ratios are reported, not judged: s3rver (a test server writing files) sets the pace.
  const judged = storage !== 's3';
  const sink = `plain sink ${seconds(sinkMs)}`;
  const results: BenchResult[] = [
    {
      benchmark: `upload 1 GiB: intake, POST → 202${label}`,
      measured: seconds(big.intakeMs),
      reference: sink,
      ratio: `${intakeRatio.toFixed(2)}x`,
      target: judged ? '≤ 1.3x' : 'reported',
      pass: !judged || intakeRatio <= 1.3,
      notes: [
        'plain sink: the same client and multipart body to a node:http server that stores the body in a file; ' +
          `the faster of ${sinkRuns.map(seconds).join(' and ')} (before and after the gateway)`,
      ],
    },
    {
      benchmark: `upload 1 GiB: POST → last chunk 201${label}`,
      measured: seconds(big.totalMs),
      reference: sink,
      ratio: `${totalRatio.toFixed(2)}x`,
      target: judged ? '≤ 2.0x' : 'reported',
      pass: !judged || totalRatio <= 2,
      notes: [`${big.putCount} chunk PUTs`],
    },
    {
      benchmark: `upload 1 GiB: POST → last chunk 201, against curl PUTting the chunks${label}`,
      measured: seconds(big.totalMs),
      reference: `curl ${seconds(curlMs)}`,
      ratio: `${curlRatio.toFixed(2)}x`,
      target: 'reported',
      pass: true,
    },
  ];
  for (const size of sizes) {
    const run = runs.get(size) as GatewayRun;
    const { rss, heapTotal, heapUsed, arrayBuffers } = run.atPeak;
    results.push({
      benchmark: `gateway peak RSS, ${mib(size)} upload${label}`,
      measured: mib(run.peakRssKb * 1024),
      reference: '-',
      ratio: '-',
      target: '< 150 MiB',
      pass: run.peakRssKb < RSS_LIMIT_KB,
      notes: [
        `VmHWM before the upload (started, tenant created, user connected): ${mib(run.idleRssKb * 1024)}; ` +
          `added by the upload: ${mib((run.peakRssKb - run.idleRssKb) * 1024)}`,
        `at the highest sampled RSS (${mib(rss)}): V8 heap ${mib(heapTotal)} (${mib(heapUsed)} used), ` +
          `ArrayBuffers ${mib(arrayBuffers)} (live or awaiting GC), the rest ${mib(rss - heapTotal - arrayBuffers)} ` +
          '(code, stacks, malloc)',
      ],
    });
  }
  const small = runs.get(sizes[0]) as GatewayRun;
  const growthKb = big.peakRssKb - small.peakRssKb;
  results.push({
    benchmark: `gateway peak RSS, 1 GiB upload − ${mib(sizes[0])} upload${label}`,
    measured: mib(growthKb * 1024),
    reference: '-',
    ratio: '-',
    target: `≤ ${mib(FLAT_LIMIT_KB * 1024)}`,
    pass: growthKb <= FLAT_LIMIT_KB,
  });
  return results;
}

async function uploadThroughGateway(
  sandbox: SandboxProcess,
  port: number,
  dir: string,
  video: string,
  size: number,
  env: Record<string, string>,
): Promise<GatewayRun> {
  const memoryLog = join(dir, 'memory.json');
  const gateway = await startGatewayProcess({
    port,
    dir,
    sandbox,
    env: { ...env, BENCH_MEMORY_LOG: memoryLog },
    nodeArgs: ['--require', MEMORY_SAMPLER],
  });
  try {
    const { apiKey } = await new HttpGateway(gateway.url).createTenant(BENCH_ADMIN_KEY);
    const api = new HttpGateway(gateway.url, apiKey);
    await api.connect('bench-user');
    const idleRssKb = gateway.process.peakRssKb();
    const known = new Set((await sandbox.control.publishes()).map((p) => p.publishId));
    const started = performance.now();
    const accepted = await api.postVideo(video, { userId: 'bench-user' });
    const intakeMs = performance.now() - started;
    for (let polls = 0; ; polls++) {
      const publish = (await sandbox.control.publishes()).find((p) => !known.has(p.publishId));
      if (publish?.uploadedBytes === size) {
        const totalMs = performance.now() - started;
        const peakRssKb = gateway.process.peakRssKb();
        const atPeak = JSON.parse(readFileSync(memoryLog, 'utf8')) as NodeJS.MemoryUsage;
        return { totalMs, intakeMs, peakRssKb, idleRssKb, putCount: publish.putCount, atPeak };
      }
      if (polls % 100 === 99) {
        const view = await api.upload(accepted.id);
        if (['failed', 'cancelled'].includes(view.status) || performance.now() - started > 300_000) {
          throw new Error(`gateway upload did not complete: ${JSON.stringify(view)}`);
        }
      }
      await sleep(20);
    }
  } finally {
    await gateway.stop();
    // The bench stops at TikTok's last 201, before the upload is final and its spool file deleted: remove it here, so
    // the disk holds the test video and curl's chunk copies, no third copy.
    rmSync(join(dir, 'spool'), { recursive: true, force: true });
  }
}
