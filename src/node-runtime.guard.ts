import { nodeRuntimeProblem } from './node-runtime';

// Imported first by main.ts, so that on another Node.js the process stops with this one line before any
// dependency loads (some need Node.js 22 or later and would otherwise fail with an unrelated stack trace).
const problem = nodeRuntimeProblem(process.version, process.execPath);
if (problem) {
  process.stderr.write(`${problem}\n`);
  process.exit(1);
}
