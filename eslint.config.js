// ESLint (flat config) with typescript-eslint: `npm run lint`. Formatting is Prettier's (`npm run format:check`).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['node_modules/', 'reports/', 'test-results/', 'playwright-report/', 'allure-results/', '**/*.d.ts'] },
  { files: ['**/*.ts'], extends: [js.configs.recommended, tseslint.configs.recommended] },
  {
    files: ['**/*.ts'],
    rules: {
      // A comma expression hides a second statement in an arrow body or a condition.
      'no-sequences': ['error', { allowInParentheses: false }],
      // Playwright reads a fixture's dependencies from its first parameter's pattern: `async ({}, use)` is its idiom.
      'no-empty-pattern': ['error', { allowObjectPatternsAsParameters: true }],
      // `_name` marks a parameter a signature requires but the body does not use.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
);
