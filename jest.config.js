// ESM-only packages, which Node.js loads with require() in production but Jest must transform to CommonJS: Jest's
// own require(esm) needs vm.SourceTextModule, still behind --experimental-vm-modules on Node.js 24 and 26.
const esmPackages = [
  'file-type',
  'strtok3',
  'token-types',
  '@tokenizer/inflate',
  'uint8array-extras',
  '@borewit/text-codec',
];

/** @type {import('jest').Config} */
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  testRegex: '((src|eslint)/.*\\.spec\\.ts|test/(e2e|sandbox|tiktok-api)/.*\\.e2e-spec\\.ts)$',
  moduleFileExtensions: ['ts', 'js', 'json', 'mjs'],
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022' }, module: { type: 'commonjs' } }] },
  transformIgnorePatterns: [`node_modules/(?!(${esmPackages.join('|')})/)`],
  // file-type exports only `import` and `module-sync` conditions, neither of which Jest's resolver tries.
  moduleNameMapper: { '^file-type$': '<rootDir>/node_modules/file-type/index.js' },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  setupFiles: ['<rootDir>/test/support/setup-env.ts'],
  testTimeout: 30000,
  maxWorkers: 2,
};
