/**
 * The package's own tests, run from its folder (`npm test -w packages/database`): test/unit (no Nest,
 * no database) and test/module (on a real database, TEST_DB=sqlite or mariadb). Nest 12 is ESM only,
 * so Jest runs in its native ESM mode (node --experimental-vm-modules, see the scripts); ts-jest only transpiles.
 */
export default {
  rootDir: '.',
  testEnvironment: 'node',
  testRegex: 'test/.*\\.(e2e-)?spec\\.ts$',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: { ignoreCodes: [151002] } }] },
  testTimeout: 120000,
  maxWorkers: 2,
};
