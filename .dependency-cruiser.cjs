/**
 * Module boundaries, checked in CI (`npm run lint:deps`): the workspace packages (packages/) stand on
 * their own, so they can be installed into any NestJS app; the app uses them by their package names.
 */
module.exports = {
  forbidden: [
    {
      name: 'packages-stand-alone',
      comment: 'a package imports nothing of the app, its examples or its tests: only itself, its own dependencies and other packages',
      severity: 'error',
      from: { path: '^packages/' },
      to: { path: '^(src|examples|test|bench)/' },
    },
    {
      name: 'example-is-a-host-like-any-other',
      comment: 'the example app uses the packages by their names, like an app that installed them, and nothing of the service',
      severity: 'error',
      from: { path: '^examples/' },
      to: { path: '^(src|bench)/' },
    },
    {
      name: 'packages-only-through-their-entries',
      comment: 'outside a package, import it by its name (its `exports`), never a file inside it',
      severity: 'error',
      from: { path: '^(src|test|bench|examples)/' },
      to: { path: '^packages/[^/]+/', pathNot: '^packages/[^/]+/src/(index|testing/index)\\.ts$' },
    },
    {
      name: 'package-files-stay-in-their-package',
      comment: 'one package uses another only through its entry (`@token-metering/database`)',
      severity: 'error',
      from: { path: '^packages/([^/]+)/' },
      to: { path: '^packages/', pathNot: ['^packages/$1/', '^packages/[^/]+/src/index\\.ts$'] },
    },
    {
      name: 'no-circular',
      comment: 'modules that import each other cannot be understood, tested or lifted one at a time',
      severity: 'error',
      from: { path: '^(src|packages)/' },
      to: { circular: true },
    },
    {
      name: 'no-unresolvable-import',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|\\.build|node_modules)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    // The packages resolve to their TypeScript sources, as in the type check and the tests.
    enhancedResolveOptions: {
      conditionNames: ['@token-metering/source', 'import', 'require', 'node', 'default'],
      exportsFields: ['exports'],
    },
  },
};
