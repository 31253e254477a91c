// Stands in for TikTok, which is no Node.js process: without the gateway's external-memory accounting (see
// src/heap-accounting.ts) the sandbox ran ~90 full GCs while taking the bench's chunks and set the pace of both the
// gateway's PUTs and curl's.
import '../../src/heap-accounting';
import { TikTokSandbox, type TikTokSandboxOptions } from '../../src/tiktok-sandbox/tiktok-sandbox';

/** Child-process entry: the sandbox runs apart from the gateway so the gateway's RSS is only its own. */
async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as Partial<TikTokSandboxOptions>;
  const sandbox = new TikTokSandbox(options);
  const url = await sandbox.start(0, '127.0.0.1');
  process.once('SIGTERM', () => void sandbox.stop().then(() => process.exit(0)));
  process.stdout.write(`SANDBOX ${url}\n`);
}

void main();
