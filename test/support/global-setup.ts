import { nodeRuntimeProblem } from '../../src/node-runtime';

/** Once per jest run, before any worker starts: which Node.js runs the tests (workers run on the same one). */
export default function globalSetup(): void {
  const problem = nodeRuntimeProblem(process.version, process.execPath);
  if (problem) throw new Error(problem);
  process.stdout.write(`\njest on Node.js ${process.version} (${process.execPath})\n`);
}
