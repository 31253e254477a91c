import { nodeRuntimeProblem } from '../../src/node-runtime';

// Checked where the tests run, in each worker, as well as once in test/support/global-setup.ts (which prints it).
const problem = nodeRuntimeProblem(process.version, process.execPath);
if (problem) throw new Error(problem);

// The logger reads LOG_LEVEL when its module is imported, so it is set before any test file loads.
process.env.LOG_LEVEL ??= 'silent';
