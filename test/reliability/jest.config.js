// The reliability suite: faults, crashes, outages, two instances, hostile input, secrets.
// Everything else (transform, global setup, setup files) comes from the root jest.config.js.
const root = require('../../jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...root,
  rootDir: '../..',
  testRegex: 'test/reliability/.*\\.reliability-spec\\.ts$',
  testTimeout: 60000,
  maxWorkers: 2,
};
