import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const REPO_ROOT = join(__dirname, '..', '..');
/** Bench-only helpers (sandbox, bare app) run from TypeScript; the gateway itself always runs from dist/. */
export const TS_NODE = ['-r', 'ts-node/register/transpile-only'];

const running = new Set<ChildProcess>();
// A bench that throws must not leave a sandbox or gateway behind.
process.once('exit', () => running.forEach((child) => signalGroup(child, 'SIGKILL')));

export interface NodeProcess {
  child: ChildProcess;
  pid: number;
  /** Peak resident set (VmHWM) so far, in KiB. */
  peakRssKb(): number;
  stop(): Promise<void>;
}

/**
 * Spawns `node args` with exactly `env` (plus PATH/HOME), stderr kept for error messages. It runs in a process group
 * of its own, and stop() signals the whole group: `npm start` runs the gateway as a grandchild, which a signal to npm
 * alone would leave running (and holding its port).
 */
export function spawnNode(args: string[], env: Record<string, string>, cwd = REPO_ROOT): NodeProcess {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  running.add(child);
  const stderr: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not spawn node ${args.join(' ')}`);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => running.delete(child));
  child.once('exit', (code) => {
    if (code) process.stderr.write(`[bench] node ${args.join(' ')} exited ${code}: ${stderr.join('').slice(-2000)}\n`);
  });
  return {
    child,
    pid,
    peakRssKb: () => readVmHwmKb(pid),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) signalGroup(child, 'SIGTERM');
      const killed = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
      if (!killed) signalGroup(child, 'SIGKILL');
      await exited;
    },
  };
}

export function readVmHwmKb(pid: number): number {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmHWM for pid ${pid}`);
  return Number(match[1]);
}

/** CPU time (user + system) the process has used so far, in ms: /proc/<pid>/stat fields 14 and 15, in clock ticks. */
export function readCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticksPerSecond = 100; // USER_HZ, 100 on Linux
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}

/** Resolves with the first stdout line of `child` that matches `pattern` (bounded by `timeoutMs`). */
export function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      const match = pattern.exec(buffered);
      if (!match) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stdout?.resume();
      resolve(match);
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`process exited (${code}) before printing ${pattern}`)));
  });
}

/** Polls `url` until it answers 200; returns the milliseconds waited. */
export async function waitForOk(url: string, timeoutMs: number, intervalMs = 10): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    const ok = await fetch(url).then(
      (r) => r.body?.cancel().then(() => r.ok) ?? r.ok,
      () => false,
    );
    if (ok) return performance.now() - started;
    await sleep(intervalMs);
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

/**
 * Writes dirty pages out (sync) so the kernel's writeback of a file just made does not slow whichever side is
 * timed next: the gateway's spool and curl's reads both start from a quiet disk.
 */
export function flushToDisk(): void {
  execFileSync('sync');
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    // The group is gone already.
  }
}
