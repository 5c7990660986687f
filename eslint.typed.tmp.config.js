import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.cache/', 'test/fixtures/', 'grafana/dashboards/', '**/*.mjs', '**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  { languageOptions: { globals: globals.node, parserOptions: { projectService: true, tsconfigRootDir: '/work/wt-tooling' } } },
);
