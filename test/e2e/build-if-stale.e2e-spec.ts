import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCRIPT = join(__dirname, '..', '..', 'scripts', 'build-if-stale.mjs');

/**
 * `npm start`'s prestart: `nest build` only when dist/ is older than what the build reads. A stand-in `nest` (the one
 * external tool here) records each build, so the test sees exactly when the script decides to build.
 */
describe('scripts/build-if-stale.mjs', () => {
  let root: string;
  const builds = () =>
    existsSync(join(root, 'builds.log'))
      ? readFileSync(join(root, 'builds.log'), 'utf8').split('\n').filter(Boolean).length
      : 0;
  const run = () => execFileSync(process.execPath, [SCRIPT], { cwd: root, encoding: 'utf8' });
  const age = (path: string, secondsAgo: number) => {
    const time = new Date(Date.now() - secondsAgo * 1000);
    utimesSync(join(root, path), time, time);
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'tgw-build-'));
    mkdirSync(join(root, 'src', 'uploads'), { recursive: true });
    mkdirSync(join(root, 'node_modules', '.bin'), { recursive: true });
    writeFileSync(join(root, 'package.json'), '{"name":"fixture","private":true}');
    writeFileSync(join(root, 'src', 'main.ts'), 'export {};');
    writeFileSync(join(root, 'src', 'uploads', 'a.ts'), 'export {};');
    const nest = join(root, 'node_modules', '.bin', 'nest');
    writeFileSync(nest, '#!/bin/sh\nmkdir -p dist && echo built >> builds.log\n');
    chmodSync(nest, 0o755);
    // Sources saved a minute ago: a build stamped now is unambiguously newer.
    for (const path of ['src/uploads/a.ts', 'src/uploads', 'src/main.ts', 'src', 'package.json']) age(path, 60);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('should build when there is no build stamp, then skip while nothing changed', () => {
    run();
    expect(builds()).toBe(1);
    expect(existsSync(join(root, 'dist', '.build-stamp'))).toBe(true);
    expect(run()).toContain('dist/ is current');
    expect(builds()).toBe(1);
  });

  it('should build again when a source file changes', () => {
    run();
    writeFileSync(join(root, 'src', 'uploads', 'a.ts'), 'export const changed = 1;');
    run();
    expect(builds()).toBe(2);
  });

  it('should build again when a source file is removed', () => {
    run();
    rmSync(join(root, 'src', 'uploads', 'a.ts'));
    run();
    expect(builds()).toBe(2);
  });
});
