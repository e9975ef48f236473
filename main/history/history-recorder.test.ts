import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RequestLogEntry } from '../server/request-log.js';
import { createHistoryRecorder, UNCHANGED_READING_EVERY_MS, type HistoryRecorder } from './history-recorder.js';
import { forecastWindow } from '../usage/forecast.js';
import { openHistoryStore, type HistoryStore } from './history-store.js';

let dir: string;
let home: string;
const cleanups: Array<() => void> = [];
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bridge-recorder-'));
  home = path.join(dir, 'home');
});
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
});

const DAY = 24 * 60 * 60 * 1000;

function entry(id: string, extra: Partial<RequestLogEntry> = {}): RequestLogEntry {
  return { id, at: new Date().toISOString(), method: 'POST', path: '/v1/chat/completions', status: 200, latencyMs: 12, frontEnd: 'chat', model: 'bridge-fast', upstreamModel: 'gpt-x', promptTokens: 10, ...extra };
}

/** A real store whose batches are counted. */
function countingStore(): { open(): HistoryStore; batches: number[]; reader(): HistoryStore } {
  const batches: number[] = [];
  return {
    batches,
    open() {
      const store = openHistoryStore(home) as HistoryStore;
      return { ...store, write: (batch) => (batches.push(batch.requests.length + batch.limits.length), store.write(batch)) };
    },
    reader() {
      const store = openHistoryStore(home) as HistoryStore;
      cleanups.push(() => store.close());
      return store;
    },
  };
}

function recorder(options: Partial<Parameters<typeof createHistoryRecorder>[0]> & Pick<Parameters<typeof createHistoryRecorder>[0], 'open'>): { rec: HistoryRecorder; problems: string[] } {
  const problems: string[] = [];
  const rec = createHistoryRecorder({ retentionDays: () => 90, onProblem: (message) => problems.push(message), ...options });
  cleanups.push(() => rec.close());
  return { rec, problems };
}

describe('history recorder', () => {
  it('writes nothing on the request path: entries wait for the timer and go in one batch', async () => {
    const counting = countingStore();
    const { rec } = recorder({ open: counting.open, flushMs: 30 });
    rec.request(entry('a'));
    rec.request(entry('b'));
    rec.request({ ...entry('healthz'), frontEnd: undefined, path: '/healthz' });
    rec.limits({ primary: { usedPercent: 12, windowMinutes: 300 }, limitReached: false, observedAt: Date.now() });
    expect(counting.batches).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(counting.batches).toEqual([3]);
    expect(counting.reader().recentRequests(10).map((row) => row.id).sort()).toEqual(['a', 'b']);
  });

  it('keeps a changed limit reading at once and an unchanged one every few minutes, so a stall shows in the forecast', () => {
    const counting = countingStore();
    const { rec } = recorder({ open: counting.open });
    const t0 = Date.now() - 2 * 60 * 60 * 1000;
    const reading = (minutes: number, usedPercent: number) => ({
      primary: { usedPercent, windowMinutes: 300, resetsAt: t0 + 4 * 60 * 60 * 1000 + minutes * 1000 },
      limitReached: false,
      observedAt: t0 + minutes * 60 * 1000,
    });
    // Every answer brings a reading: 20 % → 40 % in half an hour, then the same 40 % for an hour.
    for (let minute = 0; minute <= 90; minute++) rec.limits(reading(minute, minute <= 30 ? 20 + (minute * 20) / 30 : 40));
    rec.close();
    const kept = counting.reader().limitReadings(0).filter((row) => row.window === 'primary');
    const flat = kept.filter((row) => row.at > t0 + 30 * 60 * 1000);
    expect(flat.length).toBe(Math.floor((60 * 60 * 1000) / UNCHANGED_READING_EVERY_MS));
    // The hour of no growth is the recent pace: use stopped, so the window is not said to run out.
    expect(forecastWindow(kept, t0 + 90 * 60 * 1000).kind).toBe('stays-under');
  });

  it('writes a full batch at once, and what is left on close', async () => {
    const counting = countingStore();
    const { rec } = recorder({ open: counting.open, flushMs: 60_000, maxBatch: 3 });
    for (const id of ['a', 'b', 'c']) rec.request(entry(id));
    await nextTurn();
    expect(counting.batches).toEqual([3]);
    rec.request(entry('d'));
    rec.close();
    expect(counting.batches).toEqual([3, 1]);
    expect(counting.reader().recentRequests(10)).toHaveLength(4);
  });

  it('prunes past the retention at start', () => {
    const seed = openHistoryStore(home) as HistoryStore;
    seed.write({ requests: [{ id: 'old', at: Date.now() - 40 * DAY, frontEnd: 'chat', status: 200, totalMs: 1 }, { id: 'recent', at: Date.now() - 10 * DAY, frontEnd: 'chat', status: 200, totalMs: 1 }], limits: [] });
    seed.close();
    recorder({ open: () => openHistoryStore(home), retentionDays: () => 30 });
    expect(countingStore().reader().recentRequests(10).map((row) => row.id)).toEqual(['recent']);
  });

  it('loses a batch it cannot write without throwing, says so once, and writes again once it can', () => {
    // A home whose history path is taken by a directory: SQLite cannot open it.
    fs.mkdirSync(path.join(home, 'history.sqlite'), { recursive: true });
    const { rec, problems } = recorder({ open: () => openHistoryStore(home), flushMs: 60_000 });
    for (let i = 0; i < 3; i++) {
      rec.request(entry(`lost${i}`));
      expect(() => rec.flush()).not.toThrow();
    }
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^usage history is not being recorded: /);

    fs.rmSync(path.join(home, 'history.sqlite'), { recursive: true });
    rec.request(entry('kept'));
    rec.flush();
    expect(countingStore().reader().recentRequests(10).map((row) => row.id)).toEqual(['kept']);
    expect(problems).toHaveLength(1);
  });

  it('survives a store that fails on write (closed connection)', () => {
    const { rec, problems } = recorder({
      open: () => {
        const store = openHistoryStore(home) as HistoryStore;
        store.close();
        return store;
      },
    });
    rec.request(entry('a'));
    expect(() => rec.close()).not.toThrow();
    expect(problems).toEqual(['usage history is not being recorded: The database connection is not open']);
  });
});
