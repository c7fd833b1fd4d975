/**
 * Reliability suites: several real app processes (compiled from src by the global setup), a real
 * MariaDB, and real faults (killed connections, a cut network, a crashed database server, kill -9).
 * They are slower than the e2e suites: `npm test` runs them last, `npm run test:reliability` alone.
 * One suite at a time: they measure timings and share two CPU cores with MariaDB.
 */
export default {
  rootDir: '../..',
  testEnvironment: 'node',
  testRegex: 'test/reliability/.*\\.reliability\\.ts$',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: { ignoreCodes: [151002] } }] },
  globalSetup: '<rootDir>/test/reliability/support/global-setup.mjs',
  globalTeardown: '<rootDir>/test/reliability/support/global-teardown.mjs',
  testTimeout: 180000,
  maxWorkers: 1,
};
