import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeRuntimeProblem } from './node-runtime';

describe(nodeRuntimeProblem.name, () => {
  it.each(['v24.11.0', 'v24.22.3', 'v26.0.0', 'v26.12.1'])('should accept %s', (version) => {
    expect(nodeRuntimeProblem(version, '/opt/node/bin/node')).toBeUndefined();
  });

  it.each(['v20.20.2', 'v22.21.1', 'v24.10.0', 'v25.2.1', 'v27.0.0'])('should refuse %s', (version) => {
    expect(nodeRuntimeProblem(version, '/usr/bin/node')).toBe(
      `tiktok-gateway runs on Node.js 26, or 24.11 and later 24.x (LTS lines); this is Node.js ${version} ` +
        '(/usr/bin/node). Run it through npm (npm start, npm test, npm run <script>, npx <tool>): npm puts the ' +
        'Node.js that npm ci installed, node_modules/.bin/node, first on the PATH. Without it (another platform), ' +
        'install the version in .nvmrc.',
    );
  });
});

describe('node-runtime.guard', () => {
  // The real process; only the version it reports is set, before the module under test loads.
  function runAs(version: string, module: string) {
    const script = `Object.defineProperty(process, 'version', { value: '${version}' }); require('${module}');`;
    const dir = mkdtempSync(join(tmpdir(), 'tgw-node-runtime-'));
    const run = spawnSync(process.execPath, ['-r', require.resolve('ts-node/register/transpile-only'), '-e', script], {
      cwd: dir,
      encoding: 'utf8',
      // Should main.ts start anyway, it must not take a fixed port; the timeout ends it.
      env: {
        PATH: process.env.PATH ?? '',
        TS_NODE_PROJECT: join(__dirname, '..', 'tsconfig.json'),
        PORT: '0',
        TIKTOK_SANDBOX_PORT: '0',
      },
      timeout: 20_000,
    });
    rmSync(dir, { recursive: true, force: true });
    return run;
  }
  const guard = join(__dirname, 'node-runtime.guard.ts');

  it('should stop the process with one line naming the Node.js it found', () => {
    const run = runAs('v20.20.2', guard);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`${nodeRuntimeProblem('v20.20.2', process.execPath)}\n`);
  });

  it('should let a supported Node.js go on', () => {
    const run = runAs('v26.12.1', guard);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
  });

  it('should stop main.ts before it starts anything', () => {
    const run = runAs('v20.20.2', join(__dirname, 'main.ts'));
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`${nodeRuntimeProblem('v20.20.2', process.execPath)}\n`);
  });
});
