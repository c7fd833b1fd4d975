/**
 * Module boundaries, checked in CI (`npm run lint:deps`): dependencies point into the tokens module,
 * never out of it, and only through its public entry, so it can be lifted into another NestJS app.
 */
module.exports = {
  forbidden: [
    {
      name: 'tokens-depends-on-no-feature-module',
      comment:
        'src/tokens is a drop-in module: users, subscriptions, billing, services, completions, observability (and the rest of the app) use it, never the reverse',
      severity: 'error',
      from: { path: '^src/tokens/' },
      to: { path: '^src/(users|subscriptions|billing|services|completions|observability|notifications|health|rate-limits|cli|config)/' },
    },
    {
      name: 'tokens-only-through-its-public-entry',
      comment: 'outside src/tokens, import the tokens module from src/tokens/index.ts only',
      severity: 'error',
      // The module's own specs (test/tokens/) may reach inside it.
      from: { path: '^(src|test|bench|examples)/', pathNot: '^(src/tokens|test/tokens)/' },
      to: { path: '^src/tokens/', pathNot: '^src/tokens/index\\.ts$' },
    },
    {
      name: 'no-circular',
      comment: 'modules that import each other cannot be understood, tested or lifted one at a time',
      severity: 'error',
      from: { path: '^src/' },
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
    exclude: { path: '(^|/)(dist|bench/\\.build|node_modules)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
