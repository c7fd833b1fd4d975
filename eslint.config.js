// ESLint flat config: the recommended rules of @eslint/js and typescript-eslint (type-aware), with
// eslint-config-prettier last so that no rule here argues with Prettier about layout.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    // Same as .prettierignore: build output, results and data are never linted.
    ignores: [
      'dist/',
      'packages/*/dist/',
      'bench/.build/',
      'examples/.build/',
      'bench/results/',
      'node_modules/',
      'data/',
      'coverage/',
      'tmp/',
      'console/dist/',
      'console/src/api/schema.d.ts',
      'test-results/',
    ],
  },
  {
    files: [
      'src/**/*.ts',
      'test/**/*.ts',
      'packages/*/src/**/*.ts',
      'packages/*/test/**/*.ts',
      'bench/**/*.ts',
      'examples/**/*.ts',
      'ormconfig.ts',
    ],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      // Providers, guards and Fastify hooks implement Promise-returning contracts; `async` keeps a throw a
      // rejection even where the body has nothing to await, so an async method without await is intended.
      '@typescript-eslint/require-await': 'off',
      // DTOs are built with `.map(SomeDto.from)`: static factories that never read `this`.
      '@typescript-eslint/unbound-method': ['error', { ignoreStatic: true }],
    },
  },
  {
    // The web console: a React app with its own tsconfig (DOM, JSX, bundler resolution).
    files: ['console/src/**/*.{ts,tsx}', 'console/vite.config.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked, reactHooks.configs.flat.recommended],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    files: ['test/**/*.ts', 'packages/*/test/**/*.ts', 'examples/**/*.e2e-spec.ts'],
    rules: {
      // Tests read arbitrary JSON answers (`res.json()` is `any`) and poke at internals: `any` is the
      // honest type there, and the unsafe-any rules would flag nearly every assertion on a response body.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Database cells and JSON fields are `unknown` scalars there, stringified on purpose.
      '@typescript-eslint/no-base-to-string': 'off',
    },
  },
  prettier,
);
