import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

/**
 * Module doors (README "Architecture"). A feature folder is entered only through its index.ts;
 * the shared kernel (src/http, src/db, src/changes) may be imported file by file. The `knex`
 * package lives in src/db/, stores and db/migrations; dockerode in the Docker and Swarm drivers only.
 */
const KERNEL = ['http', 'db', 'changes'];
/** main.ts, the process entry, also runs the CLI commands and the startup steps directly. */
const ENTRY_ONLY = ['cli', 'startup'];
/** Folders depth 1 files of http/ and auth/ may import: they sit below every feature. */
const BELOW_FEATURES = [...KERNEL, 'clock', 'config', 'logger'];
const MAX_DEPTH = 4;

/** `src/` as seen from a file `depth` folders below it. */
function srcPrefix(depth) {
  return depth === 0 ? '\\./' : '(?:\\.\\./){' + depth + '}';
}

function importRule(depth, { knex = false, dockerode = false, noFeature = false } = {}) {
  const patterns = [
    {
      regex: `^${srcPrefix(depth)}(?!(?:${[...KERNEL, ...(depth === 0 ? ENTRY_ONLY : [])].join('|')})/|\\.\\./)[^/]+/`,
      message: "Import another feature only through its index.ts (README 'Architecture').",
    },
  ];
  if (noFeature) {
    patterns.push({
      regex: `^${srcPrefix(depth)}(?!(?:${BELOW_FEATURES.join('|')})(?:/|$))`,
      message: 'http/ and auth/ import no feature',
    });
  }
  const paths = [];
  if (!knex)
    paths.push({ name: 'knex', message: 'knex belongs in src/db/, stores and migrations' });
  if (!dockerode) {
    paths.push({
      name: 'dockerode',
      message:
        'dockerode belongs in the container drivers (src/containers/drivers/docker/, swarm/)',
    });
  }
  return { 'no-restricted-imports': ['error', { paths, patterns }] };
}

function doorRules() {
  const depths = Array.from({ length: MAX_DEPTH + 1 }, (_, depth) => depth);
  const filesAt = (depth, name) => `src/${'*/'.repeat(depth)}${name}`;
  return [
    ...depths.map((depth) => ({ files: [filesAt(depth, '*.ts')], rules: importRule(depth) })),
    // Later blocks win for the files they match.
    ...depths.map((depth) => ({
      files: [filesAt(depth, '*store.ts'), ...(depth === 1 ? ['src/db/*.ts'] : [])],
      rules: importRule(depth, { knex: true }),
    })),
    { files: ['src/http/*.ts', 'src/auth/*.ts'], rules: importRule(1, { noFeature: true }) },
    {
      files: ['src/containers/drivers/docker/*.ts', 'src/containers/drivers/swarm/*.ts'],
      rules: importRule(3, { dockerode: true }),
    },
    { files: ['src/containers/drivers/docker/*/*.ts'], rules: importRule(4, { dockerode: true }) },
  ];
}

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'data/**',
      '*.js',
      '*.mjs',
      'scripts/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unnecessary-condition': 'off',
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Knex types query results as `any`: stores and migrations are the one boundary where rows
    // are typed by our own schema (each store maps them through a typed row interface).
    files: ['src/**/*store.ts', 'src/db/**/*.ts', 'db/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unnecessary-type-parameters': 'off',
    },
  },
  ...doorRules(),
  {
    files: ['spec/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
