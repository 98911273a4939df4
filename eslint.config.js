// Lint: the recommended TypeScript rules, and the import rules of src/ (tools/lint/layers.js);
// the compiler's strict mode does the rest.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { layersRule } from './tools/lint/layers.js';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'out/', 'models/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { endoface: { rules: { layers: layersRule } } },
    rules: { 'endoface/layers': 'error' },
  },
);
