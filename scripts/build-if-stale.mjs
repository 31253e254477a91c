// `npm start` (prestart) and the OpenAPI scripts: runs `nest build` only when something the build reads changed
// since the last successful build, so a second start skips the ~15-40 s build. A stale dist/ never runs: any newer
// file (or directory, which changes when a file is added, removed or renamed) triggers a build.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const STAMP = join('dist', '.build-stamp');
const INPUTS = ['src', 'config', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'nest-cli.json'];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

const stampMs = existsSync(STAMP) ? statSync(STAMP).mtimeMs : 0;
const sourcesMs = Math.max(...INPUTS.map(newestMtime));
if (stampMs > 0 && sourcesMs < stampMs) {
  process.stdout.write('dist/ is current; skipping the build.\n');
} else {
  // Stamped with the time the build started: a file saved during the build makes the next start build again.
  const startedAt = new Date();
  process.stdout.write('Building (nest build)...\n');
  execFileSync(process.platform === 'win32' ? 'npx.cmd' : 'npx', ['nest', 'build'], { stdio: 'inherit' });
  writeFileSync(STAMP, `${startedAt.toISOString()}\n`);
  utimesSync(STAMP, startedAt, startedAt);
}
