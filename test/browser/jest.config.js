// Browser tests (playwright-core driving Debian's chromium): kept out of the default `npx jest` run.
// Run with `npx jest --config test/browser/jest.config.js`.
const base = require('../../jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  rootDir: '../..',
  testRegex: 'test/browser/.*\\.browser-spec\\.ts$',
  setupFiles: ['<rootDir>/test/support/setup-env.ts'],
  testTimeout: 60000,
  maxWorkers: 1,
};
