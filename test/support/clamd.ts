import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ClamdClient } from '../../src/malware-scan/clamd-client';
import { closedPort } from './fake-clamd';
import { FIXTURES_DIR } from './make-large-video';

/** What the test signature database detects, and the name clamd reports for it (custom signatures get `.UNOFFICIAL`). */
export const TEST_MALWARE_MARKER = Buffer.from('TIKTOK-GATEWAY-MALWARE-SCAN-TEST-SIGNATURE-4c1e9a');
export const TEST_MALWARE_SIGNATURE = 'TikTokGateway.Test.Malware.UNOFFICIAL';

export interface TestClamd {
  host: string;
  port: number;
  /** clamd also listens on this unix socket. */
  socketPath: string;
  /** Stops clamd (idempotent) and removes its files. */
  stop(): Promise<void>;
}

export interface TestClamdOptions {
  /** clamd's StreamMaxLength, e.g. `1M`; default `100M`. */
  streamMaxLength?: string;
}

/** The clamd binary of Debian's clamav-daemon package, or undefined when it is not installed. */
export function findClamd(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin'];
  for (const dir of dirs.filter(Boolean)) {
    try {
      accessSync(join(dir, 'clamd'), constants.X_OK);
      return join(dir, 'clamd');
    } catch {
      continue;
    }
  }
  return undefined;
}

/**
 * A real clamd in the foreground on a free 127.0.0.1 port (and a unix socket), with a one-signature database written
 * here: no signature download. Resolves once clamd answers PING.
 */
export async function startTestClamd(options: TestClamdOptions = {}): Promise<TestClamd> {
  const binary = findClamd();
  if (!binary) throw new Error('clamd is not installed (apt-get install clamav-daemon)');
  const dir = mkdtempSync(join(tmpdir(), 'tgw-clamd-'));
  mkdirSync(join(dir, 'db'));
  mkdirSync(join(dir, 'tmp'));
  // .ndb body signature: Name:TargetType(0 = any file):Offset(* = anywhere):HexSignature
  writeFileSync(join(dir, 'db', 'test.ndb'), `TikTokGateway.Test.Malware:0:*:${TEST_MALWARE_MARKER.toString('hex')}\n`);
  const socketPath = join(dir, 'clamd.sock');
  let lastError: unknown;
  // The free port may be taken between probing and clamd binding it; try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await closedPort();
    writeFileSync(join(dir, 'clamd.conf'), clamdConf(dir, port, socketPath, options.streamMaxLength ?? '100M'));
    const child = spawn(binary, ['-c', join(dir, 'clamd.conf')], { stdio: 'ignore' });
    try {
      await waitForPing(new ClamdClient({ host: '127.0.0.1', port }), child);
      return { host: '127.0.0.1', port, socketPath, stop: stopper(child, dir) };
    } catch (error) {
      lastError = error;
      await stopChild(child);
    }
  }
  const logFile = join(dir, 'clamd.log');
  const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-10).join('\n') : '';
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`clamd did not start: ${String(lastError)}\n${log}`);
}

/** A copy of a real fixture with the test signature appended in an MP4 `free` box (still a valid MP4). */
export async function writeInfectedVideo(dir: string, fixture = 'h264.mp4'): Promise<string> {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + TEST_MALWARE_MARKER.length);
  header.write('free', 4, 'latin1');
  const path = join(dir, `infected-${fixture}`);
  await writeFile(path, Buffer.concat([await readFile(join(FIXTURES_DIR, fixture)), header, TEST_MALWARE_MARKER]));
  return path;
}

function clamdConf(dir: string, port: number, socketPath: string, streamMaxLength: string): string {
  return [
    'Foreground yes',
    `DatabaseDirectory ${join(dir, 'db')}`,
    `TemporaryDirectory ${join(dir, 'tmp')}`,
    `LogFile ${join(dir, 'clamd.log')}`,
    'TCPAddr 127.0.0.1',
    `TCPSocket ${port}`,
    `LocalSocket ${socketPath}`,
    `StreamMaxLength ${streamMaxLength}`,
    'MaxThreads 4',
    '',
  ].join('\n');
}

async function waitForPing(clamd: ClamdClient, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`clamd exited (${child.exitCode})`);
    try {
      return await clamd.ping(1000);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

function stopper(child: ChildProcess, dir: string): () => Promise<void> {
  return async () => {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
