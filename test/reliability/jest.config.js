// The reliability suite (issue 7): faults, crashes, outages, two instances, hostile input, secrets.
// Transform settings mirror the root jest.config.js (ESM-only packages, ../shared/STACK.md "Things that bite").
const root = require('../../jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...root,
  rootDir: '../..',
  testRegex: 'test/reliability/.*\\.reliability-spec\\.ts$',
  testTimeout: 60000,
  maxWorkers: 2,
};
