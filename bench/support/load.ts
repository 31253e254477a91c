import { readCpuMs } from './processes';

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p99: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  headers?: Record<string, string>;
}) => Promise<AutocannonResult>;
// autocannon ships no types; this is the part of its API the bench uses.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as Autocannon;

export interface LoadResult {
  rps: number;
  p99Ms: number;
  total: number;
  failures: number;
  /** The server's CPU time per request (user + system): unlike req/s, barely moved by what else the machine runs. */
  cpuUsPerRequest: number;
}

/**
 * autocannon with 50 connections for `seconds` (BENCH_DURATION_SECONDS, default 20) against the server process
 * `serverPid`, whose CPU time it reads before and after.
 */
export async function load(
  url: string,
  seconds: number,
  serverPid: number,
  headers: Record<string, string> = {},
): Promise<LoadResult> {
  const cpuBefore = readCpuMs(serverPid);
  const result = await autocannon({ url, connections: 50, duration: seconds, headers });
  const cpuMs = readCpuMs(serverPid) - cpuBefore;
  return {
    rps: result.requests.average,
    p99Ms: result.latency.p99,
    total: result.requests.total,
    failures: result.non2xx + result.errors + result.timeouts,
    cpuUsPerRequest: (cpuMs * 1000) / Math.max(1, result.requests.total),
  };
}
