/**
 * NestJS 12 packages are ES modules, so Jest runs in its native ESM mode
 * (node --experimental-vm-modules, see package.json scripts).
 * Type checking is `npm run typecheck`; ts-jest only transpiles.
 */
export default {
  rootDir: '.',
  testEnvironment: 'node',
  // The workspace packages are tested from their TypeScript sources (their `source` export condition), not their builds.
  testEnvironmentOptions: { customExportConditions: ['node', 'node-addons', '@token-metering/source'] },
  testRegex: '(test|examples)/.*\\.(e2e-)?spec\\.ts$',
  // The workspace packages run their own tests with their own config (`npm test --workspaces`).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/packages/'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  // CommonJS packages that require() Nest 12's ESM (@nestjs/throttler): see test/support/jest/resolver.cjs.
  resolver: '<rootDir>/test/support/jest/resolver.cjs',
  setupFilesAfterEnv: ['<rootDir>/test/support/jest/esm-instances.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: { ignoreCodes: [151002] } }] },
  testTimeout: 120000,
  maxWorkers: 2,
  // A worker that has run many suites carries a large heap and runs CPU-bound checks (token counts of long words) about
  // twice as slowly as a fresh one: such a worker is replaced once a suite leaves it above this.
  workerIdleMemoryLimit: '512MB',
};
