/**
 * Test helper: a realistic Cursor `state.vscdb` (VS Code storage schema, WAL mode like Cursor's global DB,
 * unrelated rows in both tables, the BYOK blob with many unrelated fields), and ways to compare databases.
 * Used by tests only.
 */
import Database from 'better-sqlite3';
import path from 'node:path';
import { APPLICATION_USER_KEY } from '../../main/cursor/cursor-db.js';
import type { JsonObject } from '../../main/cursor/json.js';

/** Must never be read into an error, a diff or a log. */
export const EMAIL_CANARY = 'user@example.invalid';

/** The shape of Cursor's application-user reactive storage (field names per the spec; values are ours). */
export function realisticApplicationUser(): JsonObject {
  return {
    useOpenAIKey: false,
    availableDefaultModels2: [
      {
        name: 'gpt-x',
        clientDisplayName: 'GPT X',
        defaultOn: true,
        supportsAgent: true,
        supportsThinking: true,
        contextTokenLimit: 200000,
        variants: [],
        tooltipData: { primaryText: 'Fast', secondaryText: '', markdownContent: '**GPT X**' },
      },
      { name: 'some-builtin', clientDisplayName: 'Some Builtin', defaultOn: false, supportsAgent: false, variants: ['max'] },
      { name: 'claude-y', defaultOn: true, supportsImages: true, degradationStatus: null, price: 1.5 },
    ],
    aiSettings: {
      userAddedModels: ['my-own-model'],
      modelOverrideEnabled: ['gpt-x', 'my-own-model'],
      modelOverrideDisabled: ['some-builtin'],
      modelConfig: {
        composer: { modelName: 'default', maxMode: false, selectedModels: [{ modelId: 'default', parameters: [] }] },
        'cmd-k': { modelName: 'gpt-x', maxMode: false, selectedModels: [{ modelId: 'gpt-x', parameters: [] }] },
        'plan-execution': { modelName: 'default', maxMode: true, selectedModels: [] },
      },
      regularChatModel: 'gpt-x',
      teamIds: [],
    },
    useClaudeKey: false,
    cursorCreds: { websiteUrl: 'https://cursor.com', backendUrl: 'https://api2.cursor.sh', authClientId: 'abc' },
    composerState: { defaultMode: 'agent', unification2: true, modes4: [{ id: 'agent', name: 'Agent', thinkingLevel: 'none' }] },
    privacyMode: true,
    lastUpgradeCheck: 1767225600000,
    onboardingDate: '2026-01-01T00:00:00.000Z',
    userName: 'Zoë — ünïcode ✓',
    someNull: null,
  };
}

export interface FixtureOptions {
  /** Cursor runs its global database in WAL mode; VS Code itself uses the rollback journal. Default `wal`. */
  journalMode?: 'wal' | 'delete';
  /** The application-user row: an object (stored as compact JSON), raw text, or `null` for "no such row". */
  applicationUser?: JsonObject | string | null;
  /** Store the application-user row as bytes instead of text. */
  asBytes?: boolean;
  /** More ItemTable rows, e.g. a legacy plaintext key. */
  extraRows?: Record<string, string>;
}

/** Creates `<dir>/state.vscdb` and returns its path. */
export function createCursorFixture(dir: string, options: FixtureOptions = {}): string {
  const dbPath = path.join(dir, 'state.vscdb');
  const db = new Database(dbPath);
  try {
    db.pragma(`journal_mode = ${options.journalMode ?? 'wal'}`);
    db.pragma('user_version = 1');
    db.exec('CREATE TABLE IF NOT EXISTS ItemTable (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB)');
    db.exec('CREATE TABLE IF NOT EXISTS cursorDiskKV (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB)');
    const item = db.prepare('INSERT INTO ItemTable (key, value) VALUES (?, ?)');
    item.run('workbench.panel.width', '300');
    item.run('memento/workbench.parts.editor', JSON.stringify({ 'editor.centered': false, layout: [1, 2, 3] }));
    item.run('secret://cursorAuth/openAIKey', '{"type":"Buffer","data":[]}');
    item.run('adminSettings.cached', '{"byokDisabled":false}');
    item.run('cursorAuth/cachedEmail', EMAIL_CANARY);
    item.run('terminal.history.entries.commands', JSON.stringify({ entries: [{ key: 'npm test', value: null }] }));
    item.run('some.binary.row', Buffer.from([0, 1, 2, 254, 255]));
    const blob = options.applicationUser === undefined ? realisticApplicationUser() : options.applicationUser;
    if (blob !== null) {
      const text = typeof blob === 'string' ? blob : JSON.stringify(blob);
      item.run(APPLICATION_USER_KEY, options.asBytes ? Buffer.from(text, 'utf8') : text);
    }
    for (const [key, value] of Object.entries(options.extraRows ?? {})) item.run(key, value);
    item.run('workbench.activity.pinnedViewlets2', '[{"id":"workbench.view.explorer","pinned":true}]');
    const kv = db.prepare('INSERT INTO cursorDiskKV (key, value) VALUES (?, ?)');
    kv.run('composerData:0001', JSON.stringify({ composerId: '0001', conversation: [{ text: 'hello' }] }));
    kv.run('bubbleId:0001:a', JSON.stringify({ type: 1, text: 'hi' }));
    kv.run('checkpointId:0001', Buffer.from('binary checkpoint'));
  } finally {
    db.close();
  }
  return dbPath;
}

/** Every row of a table as `key → text:… | bytes:<base64>`, read without writing anything. */
export type TableDump = Record<string, string>;

export function dumpTables(dbPath: string): { ItemTable: TableDump; cursorDiskKV: TableDump } {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const dump = (table: string): TableDump => {
      const rows = db.prepare(`SELECT key, value FROM ${table}`).all() as { key: string; value: unknown }[];
      return Object.fromEntries(
        rows.map((row) => [row.key, Buffer.isBuffer(row.value) ? `bytes:${row.value.toString('base64')}` : `text:${String(row.value)}`]),
      );
    };
    return { ItemTable: dump('ItemTable'), cursorDiskKV: dump('cursorDiskKV') };
  } finally {
    db.close();
  }
}

export function readApplicationUser(dbPath: string): JsonObject {
  const value = dumpTables(dbPath).ItemTable[APPLICATION_USER_KEY];
  if (value === undefined || !value.startsWith('text:')) throw new Error('no text application-user row');
  return JSON.parse(value.slice('text:'.length)) as JsonObject;
}

export function journalModeOf(dbPath: string): string {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return String(db.pragma('journal_mode', { simple: true }));
  } finally {
    db.close();
  }
}
