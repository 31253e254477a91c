import { join } from 'node:path';
import { callbackUrl, startGatewayProcess } from './support/gateway-process';
import { spawnNode, waitForOk } from './support/processes';
import { freePort } from '../test/harness/free-port';
import { BenchResult, log, seconds } from './support/results';
import { startSandboxProcess } from './support/sandbox-process';

const RUNS = 3;
const TARGET_MS = 3000;
const PLAIN_SERVER =
  "require('node:http').createServer((q, s) => s.end('ok')).listen(Number(process.argv[1]), '127.0.0.1')";

/**
 * `node dist/src/main.js` (fresh process, fresh SQLite, migrations included) to the first 200 of
 * /health/live, three times; the worst run is judged. Reference: a plain node http server spawned and polled alike,
 * the floor of process start on this machine.
 */
export async function benchStart(workDir: string): Promise<BenchResult[]> {
  const port = await freePort();
  const sandbox = await startSandboxProcess({ redirectUris: [callbackUrl(port)] });
  const gatewayMs: number[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const gateway = await startGatewayProcess({ port, dir: join(workDir, `start-${run}`), sandbox });
      gatewayMs.push(gateway.startMs);
      await gateway.stop();
    }
  } catch (error) {
    await sandbox.stop();
    throw error;
  }
  // `npm start` itself, twice: the first may build (the bench's `nest build` leaves no build stamp), the second
  // must find dist/ current and skip the build.
  const npmStartMs: number[] = [];
  try {
    for (let run = 0; run < 2; run++) {
      const gateway = await startGatewayProcess({
        port,
        dir: join(workDir, `npm-start-${run}`),
        sandbox,
        npmStart: true,
      });
      npmStartMs.push(gateway.startMs);
      await gateway.stop();
    }
  } finally {
    await sandbox.stop();
  }
  const plainMs: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    const plain = spawnNode(['-e', PLAIN_SERVER, String(port)], {});
    try {
      await waitForOk(`http://127.0.0.1:${port}/`, 10_000);
      plainMs.push(performance.now() - started);
    } finally {
      await plain.stop();
    }
  }
  log(`start: npm start ${npmStartMs.map((ms) => ms.toFixed(0)).join(', ')} ms (first, second)`);
  log(
    `start: gateway ${gatewayMs.map((ms) => ms.toFixed(0)).join(', ')} ms; plain node ${plainMs.map((ms) => ms.toFixed(0)).join(', ')} ms`,
  );
  const worst = Math.max(...gatewayMs);
  const plainWorst = Math.max(...plainMs);
  return [
    {
      benchmark: `start: spawn → /health/live 200 (worst of ${RUNS})`,
      measured: seconds(worst),
      reference: `plain node http ${seconds(plainWorst)}`,
      ratio: `${(worst / plainWorst).toFixed(1)}x`,
      target: '< 3 s',
      pass: worst < TARGET_MS,
      notes: [`all runs: ${gatewayMs.map(seconds).join(', ')} (fresh SQLite each, migrations run at start)`],
    },
    {
      benchmark: 'start: second `npm start` → /health/live 200',
      measured: seconds(npmStartMs[1]),
      reference: `first npm start ${seconds(npmStartMs[0])}`,
      ratio: `${(npmStartMs[1] / plainWorst).toFixed(1)}x plain node`,
      target: '< 3 s',
      pass: npmStartMs[1] < TARGET_MS,
      notes: ['prestart skips `nest build` when dist/ is newer than src/, config/ and the build settings'],
    },
  ];
}
