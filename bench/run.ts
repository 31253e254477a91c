import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchApiOverhead } from './api-overhead.bench';
import { benchRefresh } from './refresh.bench';
import { benchStart } from './start.bench';
import { benchUpload, benchUploadS3 } from './upload.bench';
import { snapshotGateway } from './support/gateway-process';
import { BenchResult, formatTable, log } from './support/results';

const BENCHES: Record<string, (workDir: string) => Promise<BenchResult[]>> = {
  upload: benchUpload,
  'upload-s3': benchUploadS3,
  api: benchApiOverhead,
  refresh: benchRefresh,
  start: benchStart,
};

/** `npm run bench [-- upload upload-s3 api refresh start]`: all by default; the gateway must be built (dist/). */
async function main(): Promise<void> {
  const names = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(BENCHES);
  const unknown = names.filter((name) => !BENCHES[name]);
  if (unknown.length > 0) throw new Error(`unknown benchmark(s) ${unknown.join(', ')}; have ${Object.keys(BENCHES)}`);
  const workDir = mkdtempSync(join(tmpdir(), 'tgw-bench-'));
  snapshotGateway(workDir);
  const results: BenchResult[] = [];
  try {
    for (const name of names) {
      const started = performance.now();
      const done = await BENCHES[name](workDir).catch((error: unknown) => [failed(name, error)]);
      results.push(...done);
      log(`${name} done in ${((performance.now() - started) / 1000).toFixed(0)} s\n${formatTable(done)}`);
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  process.stdout.write(`\nResults (${new Date().toISOString()}, ${process.platform} ${process.version}):\n\n`);
  process.stdout.write(`${formatTable(results)}\n\n`);
  for (const notes of results.filter((r) => r.notes?.length)) {
    for (const note of notes.notes ?? []) process.stdout.write(`- ${notes.benchmark}: ${note}\n`);
  }
  process.exitCode = results.every((r) => r.pass) ? 0 : 1;
}

/** A benchmark that throws still gets its row, and the others still run. */
function failed(name: string, error: unknown): BenchResult {
  const message = error instanceof Error ? error.message : String(error);
  log(`${name} failed: ${error instanceof Error ? error.stack : message}`);
  return { benchmark: name, measured: 'error', reference: '-', ratio: '-', target: '-', pass: false, notes: [message] };
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(2);
});
