import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PLAINTEXT_KEY_ROW } from '../../cursor/cursor-db.js';
import type { ProcessProbe } from '../../cursor/cursor-process.js';
import { createCursorFixture, dumpTables, readApplicationUser } from '../../../test/support/cursor-fixture.js';
import { loadOrCreateBridgeToken } from '../../settings/bridge-token.js';
import { createSecretStore } from '../../settings/secret-store.js';
import type { CliContext } from '../cli-context.js';
import { runConfigureCursor } from './configure-cursor.js';

let root: string;
let cursorDir: string;
let dbPath: string;
let out: string[];
let err: string[];

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'ccb-cli-cursor-'));
  cursorDir = path.join(root, 'cursor');
  mkdirSync(cursorDir);
  dbPath = createCursorFixture(cursorDir);
  out = [];
  err = [];
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function probe(running: boolean): ProcessProbe {
  return { isCursorRunning: async () => running };
}

const home = (): string => path.join(root, 'home');
const token = (): string => loadOrCreateBridgeToken(createSecretStore(home()));

/** A bridge running its tunnel elsewhere records the public URL there. */
function tunnelRunsAt(url: string): void {
  mkdirSync(home(), { recursive: true });
  writeFileSync(path.join(home(), 'public-url'), `${url}\n`);
}

function ctx(options: { running?: boolean; env?: NodeJS.ProcessEnv } = {}): CliContext {
  return {
    env: { CODEX_BRIDGE_CURSOR_DB: dbPath, CODEX_BRIDGE_HOME: home(), ...options.env },
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    stopSignal: new Promise(() => {}),
    cursorProbe: probe(options.running === true),
  };
}

const stdout = (): string => out.join('\n');
const stderr = (): string => err.join('\n');

describe('runConfigureCursor', () => {
  it('configures Cursor from the tunnel URL and shows the token with where to paste it', async () => {
    tunnelRunsAt('https://abc.ngrok.app');
    expect(await runConfigureCursor([], ctx())).toBe(0);
    const settings = readApplicationUser(dbPath);
    expect(settings.openAIBaseUrl).toBe('https://abc.ngrok.app/v1');
    expect(settings.useOpenAIKey).toBe(true);
    expect(stdout()).toContain('useOpenAIKey: false → true');
    expect(stdout()).toContain(`Paste the bridge token into Cursor Settings → Models → OpenAI API Key:\n  ${token()}`);
    expect(stdout()).toMatch(/Backup of the previous database: .*cursor-state-.*\.vscdb/);
    expect(dumpTables(dbPath).ItemTable[PLAINTEXT_KEY_ROW]).toBeUndefined();
    expect(err).toEqual([]);

    expect(await runConfigureCursor([], ctx())).toBe(0);
    expect(stdout()).toContain('Cursor already uses the bridge at https://abc.ngrok.app/v1; nothing changed.');
  });

  it('lets --base-url win over the tunnel URL', async () => {
    tunnelRunsAt('https://abc.ngrok.app');
    expect(await runConfigureCursor(['--base-url', 'https://mine.example/bridge/'], ctx())).toBe(0);
    expect(readApplicationUser(dbPath).openAIBaseUrl).toBe('https://mine.example/bridge/v1');
  });

  it('prints the diff on --dry-run and writes nothing', async () => {
    const before = dumpTables(dbPath);
    expect(await runConfigureCursor(['--dry-run', '--base-url=https://x.example'], ctx())).toBe(0);
    expect(stdout()).toContain('Dry run, nothing was written.');
    expect(stdout()).toContain('  openAIBaseUrl: (absent) → "https://x.example/v1"');
    expect(stdout()).not.toContain('Paste the bridge token');
    expect(dumpTables(dbPath)).toEqual(before);
    expect(existsSync(path.join(root, 'home'))).toBe(false);
  });

  it('undoes with --undo, and says so when there is nothing to undo', async () => {
    const before = dumpTables(dbPath);
    await runConfigureCursor(['--base-url', 'https://x.example'], ctx());
    out = [];
    expect(await runConfigureCursor(['--undo'], ctx())).toBe(0);
    expect(stdout()).toContain("Restored Cursor's previous settings");
    expect(dumpTables(dbPath)).toEqual(before);

    expect(await runConfigureCursor(['--undo'], ctx())).toBe(1);
    expect(stderr()).toContain('Nothing to undo');
  });

  it('writes the plaintext key row only with --write-plaintext-key', async () => {
    expect(await runConfigureCursor(['--base-url', 'https://x.example', '--write-plaintext-key'], ctx())).toBe(0);
    expect(dumpTables(dbPath).ItemTable[PLAINTEXT_KEY_ROW]).toBe(`text:${token()}`);
    expect(stdout()).toContain("written to Cursor's legacy key row");
  });

  it('returns 1 with the reason when Cursor runs or has never run', async () => {
    expect(await runConfigureCursor(['--base-url', 'https://x.example'], ctx({ running: true }))).toBe(1);
    expect(stderr()).toContain('Quit Cursor (Cmd+Q on macOS) to apply — Cursor overwrites its settings database while it runs');

    err = [];
    const missing = path.join(root, 'nowhere', 'state.vscdb');
    expect(await runConfigureCursor(['--base-url', 'https://x.example'], ctx({ env: { CODEX_BRIDGE_CURSOR_DB: missing } }))).toBe(1);
    expect(stderr()).toContain(`Cursor has never run on this machine — no database at ${missing}`);
  });

  it('warns that Cursor cannot reach a private address, but still applies it', async () => {
    expect(await runConfigureCursor(['--base-url', 'http://127.0.0.1:7711'], ctx())).toBe(0);
    expect(stderr()).toMatch(/local or private address/);
    expect(readApplicationUser(dbPath).openAIBaseUrl).toBe('http://127.0.0.1:7711/v1');
  });

  it.each([
    [['--frobnicate'], /Unknown option '--frobnicate'/],
    [['extra-word', '--base-url', 'https://x.example'], /Unexpected argument 'extra-word'/],
    [[], /no public URL for Cursor/],
    [['--base-url', 'ftp://x.example'], /must be a plain http\(s\) URL/],
    [['--base-url', 'not a url'], /must be an http\(s\) URL/],
    [['--undo', '--base-url', 'https://x.example'], /--undo cannot be combined/],
  ])('returns 2 for %j and writes nothing', async (argv, message) => {
    const before = dumpTables(dbPath);
    expect(await runConfigureCursor(argv, ctx())).toBe(2);
    expect(stderr()).toMatch(message);
    expect(stderr()).toContain('Usage: codex-cursor-bridge configure-cursor');
    expect(dumpTables(dbPath)).toEqual(before);
    expect(existsSync(path.join(root, 'home'))).toBe(false);
  });

  it('prints usage for --help and -h', async () => {
    expect(await runConfigureCursor(['--help'], ctx())).toBe(0);
    expect(await runConfigureCursor(['-h'], ctx())).toBe(0);
    expect(out).toHaveLength(2);
    expect(out[0]).toContain('--write-plaintext-key');
  });
});
