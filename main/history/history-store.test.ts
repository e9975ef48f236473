import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { historyPath, openHistoryStore, type HistoryStore, type RequestRecord } from './history-store.js';

let dir: string;
let home: string;
const open: HistoryStore[] = [];
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bridge-history-'));
  home = path.join(dir, 'home');
});
afterEach(() => {
  for (const store of open.splice(0)) store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function openStore(): HistoryStore {
  const store = openHistoryStore(home);
  if (!store) throw new Error('expected a store');
  open.push(store);
  return store;
}

const DAY = 24 * 60 * 60 * 1000;
const noon = new Date(2026, 10, 20, 12, 0, 0).getTime();

function request(id: string, at: number, model: string, tokens: [number, number, number, number], extra: Partial<RequestRecord> = {}): RequestRecord {
  const [inputTokens, cachedTokens, outputTokens, reasoningTokens] = tokens;
  return { id, at, frontEnd: 'chat', alias: 'bridge-fast', model, status: 200, totalMs: 120.5, inputTokens, cachedTokens, outputTokens, reasoningTokens, ...extra };
}

describe('history store', () => {
  it('creates a 0600 SQLite file in WAL mode at the current schema, in a 0700 home', () => {
    const store = openStore();
    store.write({ requests: [request('a', noon, 'gpt-x', [1, 0, 1, 0])], limits: [] });
    expect(store.path).toBe(historyPath(home));
    if (process.platform !== 'win32') {
      expect(fs.statSync(home).mode & 0o777).toBe(0o700);
      expect(fs.statSync(store.path).mode & 0o777).toBe(0o600);
      expect(fs.statSync(`${store.path}-wal`).mode & 0o777).toBe(0o600);
    }
    const peek = new Database(store.path, { readonly: true });
    expect(peek.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(peek.pragma('user_version', { simple: true })).toBe(1);
    peek.close();
  });

  it('keeps what was written across a reopen, and totals it per local day and model', () => {
    const store = openStore();
    store.write({
      requests: [
        request('a', noon - DAY, 'gpt-x', [1000, 800, 50, 10]),
        request('b', noon, 'gpt-x', [2000, 1500, 70, 20], { stream: true, userAgent: 'OpenAI/JS 6', effort: 'high', tier: 'priority', bridgeMs: 0.4, upstreamMs: 80.2, firstTokenMs: 90 }),
        request('c', noon + 60_000, 'gpt-y', [300, 0, 5, 0], { status: 429, errorCode: 'usage_limit_reached' }),
      ],
      limits: [{ at: noon, window: 'primary', windowMinutes: 300, usedPercent: 42.5, resetsAt: noon + 3_600_000 }],
    });
    store.close();
    open.pop();

    const again = openStore();
    expect(again.dailyModelTotals(noon - 2 * DAY)).toEqual([
      { day: '2026-11-19', model: 'gpt-x', requests: 1, errors: 0, inputTokens: 1000, cachedTokens: 800, outputTokens: 50, reasoningTokens: 10 },
      { day: '2026-11-20', model: 'gpt-x', requests: 1, errors: 0, inputTokens: 2000, cachedTokens: 1500, outputTokens: 70, reasoningTokens: 20 },
      { day: '2026-11-20', model: 'gpt-y', requests: 1, errors: 1, inputTokens: 300, cachedTokens: 0, outputTokens: 5, reasoningTokens: 0 },
    ]);
    expect(again.dailyModelTotals(noon - 60_000).map((row) => row.model)).toEqual(['gpt-x', 'gpt-y']);
    expect(again.limitReadings(0)).toEqual([{ at: noon, window: 'primary', windowMinutes: 300, usedPercent: 42.5, resetsAt: noon + 3_600_000 }]);
    const [newest, second] = again.recentRequests(2);
    expect(newest).toEqual(request('c', noon + 60_000, 'gpt-y', [300, 0, 5, 0], { status: 429, errorCode: 'usage_limit_reached' }));
    expect(second).toEqual(request('b', noon, 'gpt-x', [2000, 1500, 70, 20], { stream: true, userAgent: 'OpenAI/JS 6', effort: 'high', tier: 'priority', bridgeMs: 0.4, upstreamMs: 80.2, firstTokenMs: 90 }));
    expect(again.recentRequests(5, noon).map((row) => row.id)).toEqual(['a']);
  });

  it('prunes requests and readings older than the cut-off', () => {
    const store = openStore();
    store.write({
      requests: [request('old', noon - 100 * DAY, 'gpt-x', [1, 0, 1, 0]), request('new', noon, 'gpt-x', [1, 0, 1, 0])],
      limits: [
        { at: noon - 100 * DAY, window: 'secondary', usedPercent: 3 },
        { at: noon, window: 'secondary', usedPercent: 4 },
      ],
    });
    expect(store.prune(noon - 90 * DAY)).toBe(2);
    expect(store.recentRequests(10).map((row) => row.id)).toEqual(['new']);
    expect(store.limitReadings(0).map((row) => row.usedPercent)).toEqual([4]);
  });

  it('writes a batch all or nothing', () => {
    const store = openStore();
    const broken = { ...request('x', noon, 'gpt-x', [1, 0, 1, 0]), status: undefined as unknown as number };
    expect(() => store.write({ requests: [request('ok', noon, 'gpt-x', [1, 0, 1, 0]), broken], limits: [] })).toThrow(/NOT NULL/);
    expect(store.recentRequests(10)).toEqual([]);
  });

  it('does not create a missing file when asked not to, and leaves a newer schema untouched', () => {
    expect(openHistoryStore(home, { create: false })).toBeUndefined();
    expect(fs.existsSync(historyPath(home))).toBe(false);
    openStore().close();
    open.pop();
    const db = new Database(historyPath(home));
    db.pragma('user_version = 99');
    db.close();
    expect(() => openHistoryStore(home)).toThrow(/newer bridge \(schema 99\)/);
  });
});
