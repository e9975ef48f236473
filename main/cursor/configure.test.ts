import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listCursorBackups } from './backups.js';
import { configureCursor, cursorStatePaths, needsReapply, undoCursor, type ConfigureOptions } from './configure.js';
import { APPLICATION_USER_KEY, PLAINTEXT_KEY_ROW, SECRET_KEY_ROW } from './cursor-db.js';
import type { ProcessProbe } from './cursor-process.js';
import { CURSOR_RUNNING_MESSAGE, type CursorErrorReason } from './errors.js';
import type { JsonObject } from './json.js';
import {
  createCursorFixture,
  dumpTables,
  EMAIL_CANARY,
  journalModeOf,
  readApplicationUser,
  realisticApplicationUser,
  type FixtureOptions,
} from '../../test/support/cursor-fixture.js';

const ALIASES = ['bridge-pro-medium', 'bridge-pro-high', 'bridge-fast', 'bridge-codex', 'bridge-mini'];
const URL_A = 'https://first.ngrok.app/v1';
const URL_B = 'https://second.ngrok.app/v1';
const TOKEN = 'ccb_secret_token_value_1234567890';

/** Answers in order, then keeps giving the last answer; counts calls. */
function fakeProbe(...answers: boolean[]): ProcessProbe & { calls: number } {
  return {
    calls: 0,
    async isCursorRunning() {
      const answer = answers[Math.min(this.calls, answers.length - 1)] ?? false;
      this.calls += 1;
      return answer;
    },
  };
}

let root: string;
let home: string;
let cursorDir: string;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'ccb-cursor-'));
  home = path.join(root, 'bridge-home');
  cursorDir = path.join(root, 'cursor');
  mkdirSync(cursorDir);
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function fixture(options: FixtureOptions = {}): string {
  return createCursorFixture(cursorDir, options);
}

function options(dbPath: string, extra: Partial<ConfigureOptions> = {}): ConfigureOptions {
  return { dbPath, baseUrl: URL_A, aliases: ALIASES, probe: fakeProbe(false), busyTimeoutMs: 200, ...cursorStatePaths(home), ...extra };
}

/** Hash of every file in Cursor's folder: proves "not even opened" at the byte level (main file, -wal, -shm). */
function folderBytes(): Record<string, string> {
  return Object.fromEntries(
    readdirSync(cursorDir).map((name) => [name, createHash('sha256').update(readFileSync(path.join(cursorDir, name))).digest('hex')]),
  );
}

/**
 * After a read: the main file is byte-identical and no content is pending. (A read-only SQLite connection to a WAL
 * database creates an empty -wal and the -shm index beside it, as every reader does, and cannot remove them.)
 */
function expectReadOnly(before: Record<string, string>, dbPath: string): void {
  const after = folderBytes();
  expect(after['state.vscdb']).toBe(before['state.vscdb']);
  for (const name of Object.keys(after)) expect(['state.vscdb', 'state.vscdb-wal', 'state.vscdb-shm']).toContain(name);
  if (existsSync(`${dbPath}-wal`)) expect(statSync(`${dbPath}-wal`).size).toBe(0);
}

async function expectFailure(promise: Promise<unknown>, reason: CursorErrorReason, message?: RegExp | string): Promise<Error> {
  const error = await promise.then(
    () => {
      throw new Error(`expected the ${reason} failure`);
    },
    (failure: unknown) => failure as Error & { reason?: string },
  );
  expect((error as { reason?: string }).reason).toBe(reason);
  if (message !== undefined) expect(error.message).toMatch(message);
  expect(error.message).not.toContain(EMAIL_CANARY);
  return error;
}

function expectNothingOfOursWritten(): void {
  expect(existsSync(path.join(home, 'backups'))).toBe(false);
  expect(existsSync(cursorStatePaths(home).undoFile)).toBe(false);
}

function withoutKey(dump: Record<string, string>, key: string): Record<string, string> {
  const copy = { ...dump };
  delete copy[key];
  return copy;
}

function ourFieldsRemoved(settings: JsonObject): JsonObject {
  const copy = structuredClone(settings);
  delete copy.openAIBaseUrl;
  delete copy.useOpenAIKey;
  const ai = copy.aiSettings as JsonObject;
  delete ai.userAddedModels;
  delete ai.modelOverrideEnabled;
  return copy;
}

describe.each(['wal', 'delete'] as const)('configureCursor on a %s-mode database', (journalMode) => {
  it('sets exactly the BYOK fields and changes nothing else in either table', async () => {
    const dbPath = fixture({ journalMode });
    const before = dumpTables(dbPath);

    const result = await configureCursor(options(dbPath));

    expect(result.status).toBe('applied');
    const after = dumpTables(dbPath);
    expect(after.cursorDiskKV).toEqual(before.cursorDiskKV);
    expect(withoutKey(after.ItemTable, APPLICATION_USER_KEY)).toEqual(withoutKey(before.ItemTable, APPLICATION_USER_KEY));
    const settings = readApplicationUser(dbPath);
    expect(ourFieldsRemoved(settings)).toEqual(ourFieldsRemoved(realisticApplicationUser()));
    expect(settings.openAIBaseUrl).toBe(URL_A);
    expect(settings.useOpenAIKey).toBe(true);
    expect((settings.aiSettings as JsonObject).userAddedModels).toEqual(['my-own-model', ...ALIASES]);
    expect((settings.aiSettings as JsonObject).modelOverrideEnabled).toEqual(['gpt-x', 'my-own-model', ...ALIASES]);
    // Written compactly, as Cursor writes it.
    expect(after.ItemTable[APPLICATION_USER_KEY]).toBe(`text:${JSON.stringify(settings)}`);
    expect(journalModeOf(dbPath)).toBe(journalMode);
    expect(result.diff).toContain('useOpenAIKey: false → true');
    expect(result.keyInstruction).toBe('Paste the bridge token into Cursor Settings → Models → OpenAI API Key');
    expect(JSON.stringify(result)).not.toContain(EMAIL_CANARY);
  });

  it('backs up the previous database first into an owner-only, self-contained SQLite file', async () => {
    const dbPath = fixture({ journalMode });
    const before = dumpTables(dbPath);

    const { backupPath } = await configureCursor(options(dbPath));

    expect(backupPath).not.toBeNull();
    expect(path.dirname(backupPath as string)).toBe(path.join(home, 'backups'));
    expect(statSync(backupPath as string).mode & 0o777).toBe(0o600);
    expect(dumpTables(backupPath as string)).toEqual(before);
    expect(journalModeOf(backupPath as string)).toBe('delete');
  });

  it('fails cleanly after the busy timeout while another connection holds the write lock', async () => {
    const dbPath = fixture({ journalMode });
    const before = dumpTables(dbPath);
    const locker = new Database(dbPath);
    locker.exec('BEGIN EXCLUSIVE');
    try {
      const started = Date.now();
      await expectFailure(configureCursor(options(dbPath, { busyTimeoutMs: 150 })), 'db_locked', /locked by another program/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    } finally {
      locker.exec('ROLLBACK');
      locker.close();
    }
    expect(dumpTables(dbPath)).toEqual(before);
    expectNothingOfOursWritten();
  });
});

describe('configureCursor', () => {
  it('is idempotent: a second run writes nothing, not even a backup or a new undo record', async () => {
    const dbPath = fixture();
    await configureCursor(options(dbPath));
    const { undoFile } = cursorStatePaths(home);
    const undoText = readFileSync(undoFile, 'utf8');
    const dbBytes = folderBytes();
    const contents = dumpTables(dbPath);

    const second = await configureCursor(options(dbPath));

    expect(second.status).toBe('unchanged');
    expect(second.diff).toEqual([]);
    expect(second.backupPath).toBeNull();
    expectReadOnly(dbBytes, dbPath);
    expect(dumpTables(dbPath)).toEqual(contents);
    expect(readFileSync(undoFile, 'utf8')).toBe(undoText);
    expect(await listCursorBackups(dbPath, path.join(home, 'backups'))).toHaveLength(1);
  });

  it('removes the legacy bridge-gpt-* and bridge-pro names from both lists', async () => {
    const blob = realisticApplicationUser();
    const ai = blob.aiSettings as JsonObject;
    ai.userAddedModels = ['bridge-gpt-5-high', 'my-own-model', 'bridge-pro', 'bridge-gpt-5-codex'];
    ai.modelOverrideEnabled = ['gpt-x', 'bridge-pro', 'my-own-model', 'bridge-gpt-5-high'];
    const dbPath = fixture({ applicationUser: blob });

    await configureCursor(options(dbPath));

    const settings = readApplicationUser(dbPath).aiSettings as JsonObject;
    expect(settings.userAddedModels).toEqual(['my-own-model', ...ALIASES]);
    expect(settings.modelOverrideEnabled).toEqual(['gpt-x', 'my-own-model', ...ALIASES]);
    expect(settings.modelOverrideDisabled).toEqual(['some-builtin']);
  });

  it('refuses while Cursor runs and touches nothing', async () => {
    const dbPath = fixture();
    const bytes = folderBytes();
    await expectFailure(configureCursor(options(dbPath, { probe: fakeProbe(true) })), 'cursor_running', CURSOR_RUNNING_MESSAGE);
    expect(folderBytes()).toEqual(bytes);
    expectNothingOfOursWritten();
  });

  it('checks again right before taking the write lock', async () => {
    const dbPath = fixture();
    const before = dumpTables(dbPath);
    const probe = fakeProbe(false, true);
    await expectFailure(configureCursor(options(dbPath, { probe })), 'cursor_running');
    expect(probe.calls).toBe(2);
    expect(dumpTables(dbPath)).toEqual(before);
    expectNothingOfOursWritten();
  });

  it('keeps only the last N backups of this database', async () => {
    const dbPath = fixture();
    const urls = ['https://u1.example/v1', 'https://u2.example/v1', 'https://u3.example/v1', 'https://u4.example/v1'];
    let stateBeforeLast = dumpTables(dbPath);
    for (const baseUrl of urls) {
      stateBeforeLast = dumpTables(dbPath);
      await configureCursor(options(dbPath, { baseUrl, keepBackups: 2 }));
    }
    const backups = await listCursorBackups(dbPath, path.join(home, 'backups'));
    expect(backups).toHaveLength(2);
    expect(dumpTables(backups[1] as string)).toEqual(stateBeforeLast);
    expect(readApplicationUser(backups[0] as string).openAIBaseUrl).toBe('https://u2.example/v1');
  });

  it('includes content still in the write-ahead log in the backup, and keeps it', async () => {
    const dbPath = fixture({ journalMode: 'wal' });
    // Another connection (as Cursor's would be) keeps committed frames in the -wal file, not yet in the main file.
    const holder = new Database(dbPath);
    holder.pragma('wal_autocheckpoint = 0');
    holder.prepare('INSERT INTO ItemTable (key, value) VALUES (?, ?)').run('still.in.wal', 'frames');
    expect(statSync(`${dbPath}-wal`).size).toBeGreaterThan(0);
    try {
      const { backupPath } = await configureCursor(options(dbPath));
      expect(dumpTables(backupPath as string).ItemTable['still.in.wal']).toBe('text:frames');
      expect(dumpTables(dbPath).ItemTable['still.in.wal']).toBe('text:frames');
    } finally {
      holder.close();
    }
  });

  it('accepts the row stored as bytes', async () => {
    const dbPath = fixture({ asBytes: true });
    await configureCursor(options(dbPath));
    expect(readApplicationUser(dbPath).openAIBaseUrl).toBe(URL_A);
  });

  it('dry run reports the diff and writes nothing, even while Cursor runs', async () => {
    const dbPath = fixture();
    const bytes = folderBytes();
    const result = await configureCursor(options(dbPath, { dryRun: true, probe: fakeProbe(true) }));
    expect(result.status).toBe('dry-run');
    expect(result.cursorRunning).toBe(true);
    expect(result.diff[0]).toBe(`openAIBaseUrl: (absent) → "${URL_A}"`);
    expect(result.diff).toHaveLength(4);
    expectReadOnly(bytes, dbPath);
    expectNothingOfOursWritten();
  });

  describe('fails cleanly and writes nothing', () => {
    it('when there is no database', async () => {
      const dbPath = path.join(cursorDir, 'state.vscdb');
      await expectFailure(configureCursor(options(dbPath)), 'db_missing', `Cursor has never run on this machine — no database at ${dbPath}`);
      expect(existsSync(dbPath)).toBe(false);
      expectNothingOfOursWritten();
    });

    it('when the settings row is missing', async () => {
      const dbPath = fixture({ applicationUser: null });
      const before = dumpTables(dbPath);
      await expectFailure(configureCursor(options(dbPath)), 'row_missing');
      expect(dumpTables(dbPath)).toEqual(before);
      expectNothingOfOursWritten();
    });

    it('when the settings row is not JSON, without quoting it', async () => {
      const dbPath = fixture({ applicationUser: `{"openAIBaseUrl": "x", "canary": "${EMAIL_CANARY}"` });
      const bytes = folderBytes();
      const error = await expectFailure(configureCursor(options(dbPath)), 'json_invalid', /not a JSON object/);
      expect(error.message).not.toContain('openAIBaseUrl');
      expectReadOnly(bytes, dbPath);
      expectNothingOfOursWritten();
    });

    it('when the settings row is JSON but not an object', async () => {
      const dbPath = fixture({ applicationUser: '[1,2]' });
      await expectFailure(configureCursor(options(dbPath)), 'json_invalid');
      expectNothingOfOursWritten();
    });

    it('when the file is not a SQLite database', async () => {
      const dbPath = path.join(cursorDir, 'state.vscdb');
      writeFileSync(dbPath, 'this is not a database, it only has the right name '.repeat(40));
      const bytes = folderBytes();
      await expectFailure(configureCursor(options(dbPath)), 'db_invalid', /not a valid SQLite database/);
      expect(folderBytes()).toEqual(bytes);
      expectNothingOfOursWritten();
    });

    it('when the database is not Cursor\'s', async () => {
      const dbPath = path.join(cursorDir, 'state.vscdb');
      new Database(dbPath).exec('CREATE TABLE other (x)').close();
      await expectFailure(configureCursor(options(dbPath)), 'db_invalid', /has no ItemTable/);
      expectNothingOfOursWritten();
    });

    it('when the undo record is unreadable', async () => {
      const dbPath = fixture();
      const before = dumpTables(dbPath);
      mkdirSync(home);
      writeFileSync(cursorStatePaths(home).undoFile, '{not json');
      await expectFailure(configureCursor(options(dbPath)), 'undo_record_invalid');
      expect(dumpTables(dbPath)).toEqual(before);
    });
  });

  it('writes the legacy plaintext key only when asked, deleting the encrypted row, and never shows it', async () => {
    const dbPath = fixture();
    const before = dumpTables(dbPath);

    const result = await configureCursor(options(dbPath, { writePlaintextKey: TOKEN }));

    const after = dumpTables(dbPath).ItemTable;
    expect(after[PLAINTEXT_KEY_ROW]).toBe(`text:${TOKEN}`);
    expect(after[SECRET_KEY_ROW]).toBeUndefined();
    expect(result.changedRows).toEqual([PLAINTEXT_KEY_ROW, SECRET_KEY_ROW]);
    expect(result.diff).toContain(`${PLAINTEXT_KEY_ROW}: (absent) → (set, value hidden)`);
    expect(JSON.stringify(result)).not.toContain(TOKEN);
    expect((await configureCursor(options(dbPath, { writePlaintextKey: TOKEN }))).status).toBe('unchanged');

    await undoCursor(options(dbPath));
    expect(dumpTables(dbPath)).toEqual(before);
  });
});

describe('undoCursor', () => {
  it('restores the previous values exactly, including absent fields, and keeps changes made since', async () => {
    const original = realisticApplicationUser();
    (original.aiSettings as JsonObject).userAddedModels = ['bridge-gpt-5', 'my-own-model'];
    const dbPath = fixture({ applicationUser: original });
    const before = dumpTables(dbPath);
    await configureCursor(options(dbPath));
    await configureCursor(options(dbPath, { baseUrl: URL_B })); // the tunnel URL rotated

    // Cursor changes something unrelated afterwards: a preference inside the blob and another row.
    const cursor = new Database(dbPath);
    const blob = readApplicationUser(dbPath);
    blob.privacyMode = false;
    cursor.prepare('UPDATE ItemTable SET value = ? WHERE key = ?').run(JSON.stringify(blob), APPLICATION_USER_KEY);
    cursor.prepare('INSERT INTO ItemTable (key, value) VALUES (?, ?)').run('workbench.new.row', 'later');
    cursor.close();

    const result = await undoCursor(options(dbPath));

    expect(result.status).toBe('applied');
    expect(result.backupPath).not.toBeNull();
    const restored = readApplicationUser(dbPath);
    expect(restored).toEqual({ ...original, privacyMode: false });
    expect('openAIBaseUrl' in restored).toBe(false);
    const after = dumpTables(dbPath);
    expect(after.ItemTable['workbench.new.row']).toBe('text:later');
    expect(withoutKey(withoutKey(after.ItemTable, 'workbench.new.row'), APPLICATION_USER_KEY)).toEqual(
      withoutKey(before.ItemTable, APPLICATION_USER_KEY),
    );
    expect(existsSync(cursorStatePaths(home).undoFile)).toBe(false);
    await expectFailure(undoCursor(options(dbPath)), 'nothing_to_undo');
  });

  it('byte-for-byte restores the original blob when nothing else changed', async () => {
    const blob = realisticApplicationUser();
    delete blob.aiSettings;
    const dbPath = fixture({ applicationUser: blob });
    const before = dumpTables(dbPath);
    await configureCursor(options(dbPath));
    expect(readApplicationUser(dbPath).aiSettings).toEqual({ userAddedModels: ALIASES, modelOverrideEnabled: ALIASES });
    await undoCursor(options(dbPath));
    expect(dumpTables(dbPath)).toEqual(before);
  });

  it('refuses while Cursor runs, and keeps the undo record for later', async () => {
    const dbPath = fixture();
    await configureCursor(options(dbPath));
    const configured = dumpTables(dbPath);
    await expectFailure(undoCursor(options(dbPath, { probe: fakeProbe(true) })), 'cursor_running');
    expect(dumpTables(dbPath)).toEqual(configured);
    expect(existsSync(cursorStatePaths(home).undoFile)).toBe(true);
  });

  it('keeps the undo record owner-only', async () => {
    const dbPath = fixture();
    await configureCursor(options(dbPath));
    expect(statSync(cursorStatePaths(home).undoFile).mode & 0o777).toBe(0o600);
  });
});

describe('needsReapply', () => {
  it('is true only when the bridge configured Cursor and Cursor still points at the URL the bridge last wrote', async () => {
    const dbPath = fixture();
    const { undoFile } = cursorStatePaths(home);
    expect(await needsReapply(dbPath, URL_B, undoFile)).toBe(false); // never configured

    await configureCursor(options(dbPath));
    expect(await needsReapply(dbPath, URL_A, undoFile)).toBe(false);
    expect(await needsReapply(dbPath, URL_B, undoFile)).toBe(true);

    const cursor = new Database(dbPath);
    cursor.prepare('UPDATE ItemTable SET value = ? WHERE key = ?').run(
      JSON.stringify({ ...readApplicationUser(dbPath), openAIBaseUrl: 'https://user-choice.example/v1' }),
      APPLICATION_USER_KEY,
    );
    cursor.close();
    expect(await needsReapply(dbPath, URL_B, undoFile)).toBe(false); // the user's own URL wins

    await undoCursor(options(dbPath));
    expect(await needsReapply(dbPath, URL_B, undoFile)).toBe(false);
  });
});
