/**
 * NestJS 12 packages are ES modules, so Jest runs in its native ESM mode
 * (node --experimental-vm-modules, see package.json scripts).
 * Type checking is `npm run typecheck`; ts-jest only transpiles.
 */
export default {
  rootDir: '.',
  testEnvironment: 'node',
  testRegex: 'test/.*\\.(e2e-)?spec\\.ts$',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // @fastify/static (CommonJS) requires content-disposition, which is ESM-only from v3. Node loads
    // that through require(esm), Jest's module loader cannot: tests get the API-identical CommonJS v2.
    '^content-disposition$': 'content-disposition-cjs',
  },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: { ignoreCodes: [151002] } }] },
  testTimeout: 120000,
  maxWorkers: 2,
};
