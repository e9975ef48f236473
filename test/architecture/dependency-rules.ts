import type { DependencyType, ICruiseOptions, IRegularForbiddenRuleType } from 'dependency-cruiser';

/**
 * ARCHITECTURE.md's table as dependency-cruiser rules. Paths are relative to the repository root; npm packages
 * resolve under `node_modules/`, Node built-ins to their bare name (`fs`, `node:fs` alike).
 *
 * Unless a rule says "type imports too", it is about run-time imports: `import type` is erased and cannot load
 * or start anything. Type-only imports are seen at all thanks to ./type-only-imports.ts, which hands them to
 * dependency-cruiser as the dependency type below.
 */
export const TYPE_ONLY: DependencyType = 'exotic-require';

const runtime = { dependencyTypesNot: [TYPE_ONLY] } satisfies IRegularForbiddenRuleType['to'];

/** Built-ins and packages that reach the disk, the network or other processes. */
const IO_BUILTINS = '^(fs|fs/promises|net|http|https|http2|tls|dgram|dns|dns/promises|child_process|worker_threads|cluster|readline)$';
const IO_PACKAGES = '^node_modules/(undici|better-sqlite3|@ngrok/ngrok|conf|electron-store)/';
const NETWORK_BUILTINS = '^(net|http|https|http2|tls|dgram|dns|dns/promises)$';
const NETWORK_PACKAGES = '^node_modules/(undici|@ngrok/ngrok)/';

type Rule = IRegularForbiddenRuleType & { name: string };

const rule = (name: string, comment: string, from: Rule['from'], to: Rule['to']): Rule => ({ name, comment, severity: 'error', from, to });

export const RULES: Rule[] = [
  rule(
    'every-import-resolves',
    'An import the checker cannot follow would slip past every other rule (and fails at run time anyway).',
    {},
    { couldNotResolve: true },
  ),
  rule('no-cycles', 'No cycle anywhere, type imports too: the house has no import running back up.', {}, { circular: true }),
  rule(
    'only-main-electron-and-preload-import-electron',
    'Plain Node core (rows main/electron, app, desktop, tunnel, cursor, history); type imports too, so the core type-checks without Electron.',
    { pathNot: '^(main/electron|preload)/' },
    { path: '^node_modules/(electron|electron-store)/' },
  ),
  rule('errors-import-nothing-else-of-main', 'main/errors/ never imports anything else of main/ (type imports too).', { path: '^main/errors/' }, { path: '^main/', pathNot: '^main/errors/' }),
  rule('config-does-no-io', 'main/config/ does no I/O beyond reading process.env.', { path: '^main/config/' }, { ...runtime, path: [IO_BUILTINS, IO_PACKAGES] }),
  rule('translate-does-no-io', 'main/translate/ is a pure mapping: no disk, network or process I/O.', { path: '^main/translate/' }, { ...runtime, path: [IO_BUILTINS, IO_PACKAGES] }),
  rule(
    'translate-never-imports-server-or-upstream',
    'main/translate/ is called by server/ and feeds upstream/; it may name their types (ResponsesEvent lives in upstream/) but never loads them.',
    { path: '^main/translate/' },
    { ...runtime, path: '^main/(server|upstream)/' },
  ),
  rule('translate-never-imports-auth', 'Credentials never reach the translators (type imports too).', { path: '^main/translate/' }, { path: '^main/auth/' }),
  rule(
    'upstream-knows-no-client-facing-api',
    'main/upstream/ speaks only the Responses API: it never imports the client-facing translators or server (type imports too).',
    { path: '^main/upstream/' },
    { path: '^main/(translate|server)/' },
  ),
  rule(
    'auth-and-models-never-call-back',
    'auth/ and models/ are consulted, never call back into the request path (type imports too).',
    { path: '^main/(auth|models)/' },
    { path: '^main/(server|translate|upstream)/' },
  ),
  rule(
    'models-and-usage-never-call-the-network',
    'The catalog and usage fetches are injected: models/ and usage/ load no network module and not upstream/.',
    { path: '^main/(models|usage)/' },
    { ...runtime, path: [NETWORK_BUILTINS, NETWORK_PACKAGES, '^main/upstream/'] },
  ),
  rule('nothing-imports-the-cli', 'Only main/cli/ itself (and bin/, which loads the build) imports main/cli/ (type imports too).', { pathNot: '^main/cli/' }, { path: '^main/cli/' }),
  rule(
    'nothing-else-of-main-imports-main-electron',
    'main/electron/ is the outermost shell: no other part of main/ imports it (type imports too).',
    { path: '^main/', pathNot: '^main/electron/' },
    { path: '^main/electron/' },
  ),
  rule(
    'app-layer-never-imports-a-surface',
    'main/app/ knows no surface: not the CLI, the Electron folder, the desktop adapter, the preload or the window (type imports too).',
    { path: '^main/app/' },
    { path: '^(main/(cli|electron|desktop)|preload|renderer)/' },
  ),
  rule(
    'services-never-import-the-app-layer',
    'The use cases sit above the services: nothing below main/app/ imports it (type imports too).',
    { path: '^main/', pathNot: '^main/(app|cli|electron|desktop)/' },
    { path: '^main/app/' },
  ),
  rule(
    'product-code-never-imports-test-or-bench',
    'Product code never imports test/ (the fake backend, the harness) or bench/ (type imports too).',
    {},
    { path: '^(test|bench)/' },
  ),
  rule(
    'preload-imports-nothing-of-main',
    'The preload is built from the contract in shared/, never from main/ (type imports too).',
    { path: '^preload/' },
    { path: '^main/' },
  ),
  rule(
    'renderer-imports-only-renderer-shared-and-packages',
    'The window imports itself, the contract in shared/ and npm packages: never main/, preload/ or a Node built-in (type imports too).',
    { path: '^renderer/' },
    { pathNot: '^(renderer|shared|node_modules)/' },
  ),
  rule(
    'shared-imports-no-runtime-code-of-main',
    'The contract may name main/ types but loads no code of main/.',
    { path: '^shared/' },
    { ...runtime, path: '^main/' },
  ),
  rule(
    'shared-loads-no-node-builtin',
    'The contract also runs in the sandboxed renderer, where Node built-ins do not exist.',
    { path: '^shared/' },
    { ...runtime, dependencyTypes: ['core'] },
  ),
];

/**
 * Surfaces are thin adapters: `main/cli/` and `main/electron/` load of main/ only the application
 * layer `main/app/`, `main/config/`, the file writer `main/fs/`, `main/version.ts` and their own folder (shared/,
 * packages and type imports are free).
 */
export const SURFACE_RULES: Rule[] = [
  rule(
    'surfaces-only-use-app-layer',
    'cli/ holds no business logic; surfaces call use cases and read state, never reach into services.',
    { path: '^main/(cli|electron)/' },
    { ...runtime, path: '^main/', pathNot: '^main/(($1|app|config|fs)/|version\\.ts$)' },
  ),
];

/**
 * Violations waiting for a fix on another branch; each is reported as known, not as an error.
 * Empty this list when that branch is merged.
 */
export const KNOWN_VIOLATIONS: NonNullable<ICruiseOptions['knownViolations']> = [];
