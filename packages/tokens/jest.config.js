/**
 * The package's own tests, run from its folder (`npm test -w packages/tokens`): test/unit (no Nest,
 * no database), test/module (TokensModule on a real database, TEST_DB=sqlite or mariadb) and
 * test/http (a host app on Express and on Fastify). Nest 12 is ESM only, so Jest runs in its native
 * ESM mode (node --experimental-vm-modules, see the scripts); ts-jest only transpiles.
 */
export default {
  rootDir: '.',
  testEnvironment: 'node',
  // @token-metering/database is tested from its TypeScript sources (its `source` export condition), not its build.
  testEnvironmentOptions: { customExportConditions: ['node', 'node-addons', '@token-metering/source'] },
  testRegex: 'test/.*\\.(e2e-)?spec\\.ts$',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: { ignoreCodes: [151002] } }] },
  testTimeout: 120000,
  maxWorkers: 2,
};
