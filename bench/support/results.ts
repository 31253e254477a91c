export interface BenchResult {
  benchmark: string;
  measured: string;
  reference: string;
  ratio: string;
  target: string;
  pass: boolean;
  notes?: string[];
}

export const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export function log(message: string): void {
  process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** A figure only reported has no target to pass. */
const verdict = (r: BenchResult) => (r.target === 'reported' ? '—' : r.pass ? 'PASS' : 'FAIL');

/** The final table, in Markdown so it can go into README.md as printed. */
export function formatTable(results: BenchResult[]): string {
  const rows = [
    ['benchmark', 'measured', 'reference', 'ratio', 'target', 'result'],
    ...results.map((r) => [r.benchmark, r.measured, r.reference, r.ratio, r.target, verdict(r)]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const line = (row: string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  return [line(rows[0]), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line)].join('\n');
}
