import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { TikTokApiClient } from '../../src/tiktok-api/tiktok-api.client';
import { DEFAULT_CHUNK_BYTES } from '../../src/config/env.schema';
import { contentRangeOf, planChunks } from '../../src/uploads/delivery/chunk-plan';
import { flushToDisk } from './processes';
import { obtainTokens } from './sandbox-oauth';
import { BENCH_CLIENT, type SandboxProcess } from './sandbox-process';

/**
 * The reference: an inbox init of our own, then one curl process that PUTs each pre-split chunk file in order over
 * one kept-alive connection (`--next`), with the exact Content-Range the gateway sends. Splitting is not timed.
 * `-X PUT --data-binary @part`, not `-T part`: curl -T appends the file name to a URL whose path ends in `/`
 * (TikTok's `/upload/?upload_id=…`). `Expect:` is emptied so curl does not wait for 100-continue.
 */
export async function uploadWithCurl(
  sandbox: SandboxProcess,
  redirectUri: string,
  video: string,
  dir: string,
): Promise<number> {
  const client = new TikTokApiClient({ ...BENCH_CLIENT, apiBaseUrl: sandbox.baseUrl });
  try {
    const tokens = await obtainTokens(client, sandbox.authorizeUrl, redirectUri);
    const size = statSync(video).size;
    const plan = planChunks(size, DEFAULT_CHUNK_BYTES); // the gateway runs with the default too;
    const init = await client.initInboxUpload(tokens.accessToken, {
      kind: 'file',
      videoSize: size,
      chunkSize: plan.chunkSize,
      totalChunkCount: plan.totalChunkCount,
    });
    const args: string[] = [];
    for (const chunk of plan.chunks) {
      const part = join(dir, `part-${chunk.index}`);
      await pipeline(createReadStream(video, { start: chunk.start, end: chunk.end }), createWriteStream(part));
      if (chunk.index > 0) args.push('--next');
      args.push('-sS', '-o', '/dev/null', '-w', '%{http_code}\\n', '-H', 'Content-Type: video/mp4');
      args.push('-H', `Content-Range: ${contentRangeOf(chunk, size)}`, '-H', 'Expect:');
      args.push('-X', 'PUT', '--data-binary', `@${part}`, init.uploadUrl ?? '');
    }
    flushToDisk();
    const started = performance.now();
    const codes = await run('curl', args);
    const elapsed = performance.now() - started;
    for (const chunk of plan.chunks) rmSync(join(dir, `part-${chunk.index}`), { force: true });
    const expected = [...plan.chunks.slice(1).map(() => '206'), '201'].join(',');
    if (codes.trim().split('\n').join(',') !== expected) throw new Error(`curl answers: ${codes.replace(/\n/g, ' ')}`);
    return elapsed;
  } finally {
    await client.onApplicationShutdown();
  }
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} exited ${code}: ${out}`))));
  });
}
