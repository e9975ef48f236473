import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIVE_RULES, checkDependencies, PRODUCT_FOLDERS, type Violation } from './check-dependencies.js';
import { RULES, SURFACE_RULES } from './dependency-rules.js';

const root = path.resolve(import.meta.dirname, '../..');

/** One planted import per rule: the file it goes into, the line, and the violation the checker must report. */
interface Plant {
  rule: string;
  file: string;
  line: string;
  to: string;
}

const PLANTS: Plant[] = [
  { rule: 'every-import-resolves', file: 'main/json.ts', line: "import './no-such-module.js';", to: './no-such-module.js' },
  // settings/bridge-token.ts already imports fs/atomic-file.ts.
  { rule: 'no-cycles', file: 'main/fs/atomic-file.ts', line: "import '../settings/bridge-token.js';", to: 'main/settings/bridge-token.ts' },
  { rule: 'only-main-electron-and-preload-import-electron', file: 'main/tunnel/tunnel-manager.ts', line: "import type * as Planted1 from 'electron';", to: 'node_modules/electron/index.js' },
  { rule: 'only-main-electron-and-preload-import-electron', file: 'main/cursor/locate-db.ts', line: "import 'electron-store';", to: 'node_modules/electron-store/index.js' },
  // The example: a cycle through errors/ (translate/fields.ts imports errors/api-error.ts).
  { rule: 'errors-import-nothing-else-of-main', file: 'main/errors/api-error.ts', line: "import '../translate/fields.js';", to: 'main/translate/fields.ts' },
  { rule: 'no-cycles', file: 'main/errors/api-error.ts', line: "import '../translate/fields.js';", to: 'main/translate/fields.ts' },
  { rule: 'config-does-no-io', file: 'main/config/bridge-config.ts', line: "import 'node:fs';", to: 'fs' },
  { rule: 'translate-does-no-io', file: 'main/translate/json.ts', line: "import 'node:https';", to: 'https' },
  { rule: 'translate-does-no-io', file: 'main/translate/usage.ts', line: "import 'undici';", to: 'node_modules/undici/index.js' },
  { rule: 'translate-never-imports-server-or-upstream', file: 'main/translate/chat-stream.ts', line: "import '../upstream/sse-events.js';", to: 'main/upstream/sse-events.ts' },
  { rule: 'translate-never-imports-server-or-upstream', file: 'main/translate/chat-assemble.ts', line: "import '../server/http-io.js';", to: 'main/server/http-io.ts' },
  { rule: 'translate-never-imports-auth', file: 'main/translate/fields.ts', line: "import type * as Planted2 from '../auth/auth-manager.js';", to: 'main/auth/auth-manager.ts' },
  { rule: 'upstream-knows-no-client-facing-api', file: 'main/upstream/upstream-client.ts', line: "import type * as Planted3 from '../translate/types.js';", to: 'main/translate/types.ts' },
  { rule: 'auth-and-models-never-call-back', file: 'main/models/aliases.ts', line: "import '../translate/terminal.js';", to: 'main/translate/terminal.ts' },
  { rule: 'models-and-usage-never-call-the-network', file: 'main/usage/usage-limits.ts', line: "import 'undici';", to: 'node_modules/undici/index.js' },
  { rule: 'models-and-usage-never-call-the-network', file: 'main/models/catalog.ts', line: "import '../upstream/upstream-client.js';", to: 'main/upstream/upstream-client.ts' },
  { rule: 'nothing-imports-the-cli', file: 'main/doctor/checks.ts', line: "import type * as Planted4 from '../cli/usage.js';", to: 'main/cli/usage.ts' },
  { rule: 'nothing-else-of-main-imports-main-electron', file: 'main/tunnel/configured-provider.ts', line: "import '../electron/tray.js';", to: 'main/electron/tray.ts' },
  { rule: 'app-layer-never-imports-a-surface', file: 'main/app/use-cases.ts', line: "import '../cli/usage.js';", to: 'main/cli/usage.ts' },
  { rule: 'services-never-import-the-app-layer', file: 'main/server/guard.ts', line: "import '../app/state.js';", to: 'main/app/state.ts' },
  { rule: 'product-code-never-imports-test-or-bench', file: 'main/server/bridge-server.ts', line: "import '../../test/support/fake-backend/index.js';", to: 'test/support/fake-backend/index.ts' },
  { rule: 'product-code-never-imports-test-or-bench', file: 'main/bridge.ts', line: "import type * as Planted5 from '../bench/stats.js';", to: 'bench/stats.ts' },
  { rule: 'preload-imports-nothing-of-main', file: 'preload/index.ts', line: "import '../main/errors/api-error.js';", to: 'main/errors/api-error.ts' },
  // A type position `import()` counts as an import too.
  { rule: 'preload-imports-nothing-of-main', file: 'preload/bridge-client.ts', line: "export type Planted = typeof import('../main/config/bridge-config.js');", to: 'main/config/bridge-config.ts' },
  { rule: 'renderer-imports-only-renderer-shared-and-packages', file: 'renderer/App.tsx', line: "import type * as Planted6 from '../main/errors/api-error.js';", to: 'main/errors/api-error.ts' },
  { rule: 'renderer-imports-only-renderer-shared-and-packages', file: 'renderer/format.ts', line: "import '../preload/bridge-client.js';", to: 'preload/bridge-client.ts' },
  { rule: 'renderer-imports-only-renderer-shared-and-packages', file: 'renderer/use-async.ts', line: "import 'node:fs/promises';", to: 'fs/promises' },
  { rule: 'shared-imports-no-runtime-code-of-main', file: 'shared/bridge-api.ts', line: "import '../main/config/bridge-config.js';", to: 'main/config/bridge-config.ts' },
  { rule: 'shared-loads-no-node-builtin', file: 'shared/bridge-api.ts', line: "import 'node:events';", to: 'events' },
  { rule: 'surfaces-only-use-app-layer', file: 'main/electron/tray.ts', line: "import '../upstream/backoff.js';", to: 'main/upstream/backoff.ts' },
];

/** Imports the rules allow, planted beside the violations: none of them may be reported. */
const ALLOWED: Array<Omit<Plant, 'rule'>> = [
  { file: 'main/translate/terminal.ts', line: "import type * as Planted7 from '../upstream/upstream-client.js';", to: 'main/upstream/upstream-client.ts' },
  { file: 'shared/bridge-api.ts', line: "import type * as Planted8 from '../main/errors/api-error.js';", to: 'main/errors/api-error.ts' },
  { file: 'main/electron/tray.ts', line: "import '../app/state.js';", to: 'main/app/state.ts' },
  { file: 'main/electron/tray.ts', line: "import type * as Planted9 from '../server/guard.js';", to: 'main/server/guard.ts' },
  { file: 'main/electron/tray.ts', line: "import '../config/bridge-config.js';", to: 'main/config/bridge-config.ts' },
  { file: 'renderer/format.ts', line: "import type * as Planted10 from '../shared/bridge-api.js';", to: 'shared/bridge-api.ts' },
];

const key = (v: Pick<Violation, 'rule' | 'from' | 'to'>) => `${v.rule}: ${v.from} → ${v.to}`;

describe('the dependency rules', () => {
  let scratch: string;

  beforeAll(() => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'dep-rules-'));
    for (const dir of PRODUCT_FOLDERS) cpSync(path.join(root, dir), path.join(scratch, dir), { recursive: true });
    // Only resolved, never read: the planted test/ and bench/ imports must land on real files.
    for (const dir of ['node_modules', 'test', 'bench']) symlinkSync(path.join(root, dir), path.join(scratch, dir));
  });

  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('hold on the tree as it is', async () => {
    expect((await checkDependencies(scratch)).map(key)).toEqual([]);
  });

  it('cover every rule with a planted violation', () => {
    expect(new Set(PLANTS.map((plant) => plant.rule))).toEqual(new Set([...RULES, ...SURFACE_RULES].map((rule) => rule.name)));
  });

  it('each fail on its planted violation, and only there', async () => {
    mkdirSync(path.join(scratch, 'main/app'), { recursive: true });
    writeFileSync(path.join(scratch, 'main/app/use-cases.ts'), 'export {};\n');
    writeFileSync(path.join(scratch, 'main/app/state.ts'), 'export {};\n');
    for (const { file, line } of [...new Map([...PLANTS, ...ALLOWED].map((plant) => [`${plant.file}\n${plant.line}`, plant])).values()]) {
      appendFileSync(path.join(scratch, file), `\n${line}\n`);
    }

    const found = (await checkDependencies(scratch, [...RULES, ...SURFACE_RULES])).map(key);

    for (const plant of PLANTS) expect(found).toContain(key({ rule: plant.rule, from: plant.file, to: plant.to }));
    const plantedEdges = new Set(PLANTS.map((plant) => `${plant.file} → ${plant.to}`));
    for (const allowed of ALLOWED) expect(found.filter((v) => v.endsWith(`${allowed.file} → ${allowed.to}`))).toEqual([]);
    // The rules report only planted imports.
    const active = new Set(ACTIVE_RULES.map((rule) => rule.name));
    const unplanted = found.filter((v) => active.has(v.split(':')[0]!) && ![...plantedEdges].some((edge) => v.endsWith(edge)));
    expect(unplanted.filter((v) => !v.startsWith('no-cycles'))).toEqual([]);
  });
});
