import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { InFlightRow } from '../../shared/bridge-api.js';
import { IN_FLIGHT_SHOWN, PROGRESS_EVERY_MS, RequestLog, type RequestLogEntry } from './request-log.js';

function started(log: RequestLog, id: string): Partial<RequestLogEntry> {
  const live: Partial<RequestLogEntry> = {};
  log.start({ id, startedAt: '2026-12-03T10:00:00.000Z', method: 'POST', path: '/v1/chat/completions', userAgent: 'OpenAI/JS 6' }, live);
  return live;
}

function finished(id: string, extra: Partial<RequestLogEntry> = {}): RequestLogEntry {
  return { id, at: '2026-12-03T10:00:05.000Z', method: 'POST', path: '/v1/chat/completions', status: 200, latencyMs: 5000, ...extra };
}

describe('request log: requests in flight', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('announces a request when it starts, its progress as it goes, and drops it when it finishes', async () => {
    const log = new RequestLog();
    const seen: InFlightRow[][] = [];
    log.watchInFlight((rows) => seen.push(rows));
    const live = started(log, 'a');
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual([[{ id: 'a', startedAt: '2026-12-03T10:00:00.000Z', method: 'POST', path: '/v1/chat/completions', userAgent: 'OpenAI/JS 6', phase: 'waiting' }]]);

    // The route fills in its log object; the next look announces it.
    Object.assign(live, { frontEnd: 'chat', model: 'bridge-fast', upstreamModel: 'gpt-x', stream: true, attempts: 1 });
    await vi.advanceTimersByTimeAsync(PROGRESS_EVERY_MS);
    live.attempts = 2;
    live.chunks = 3;
    await vi.advanceTimersByTimeAsync(PROGRESS_EVERY_MS);
    expect(seen.slice(1).map((rows) => rows.map(({ phase, model, attempts, chunks }) => ({ phase, model, attempts, chunks })))).toEqual([
      [{ phase: 'waiting', model: 'bridge-fast', attempts: 1, chunks: undefined }],
      [{ phase: 'streaming', model: 'bridge-fast', attempts: 2, chunks: 3 }],
    ]);
    expect(log.inFlight()).toEqual(seen.at(-1));

    const finishes: RequestLogEntry[] = [];
    log.subscribe((entry) => finishes.push(entry));
    log.add(finished('a', { chunks: 3 }));
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.at(-1)).toEqual([]);
    expect(finishes.map((entry) => entry.id)).toEqual(['a']);
    expect(log.inFlight()).toEqual([]);
  });

  it('coalesces progress: many changes within one period are one announcement, and no change is none', async () => {
    const log = new RequestLog();
    const seen: InFlightRow[][] = [];
    log.watchInFlight((rows) => seen.push(rows));
    const live = started(log, 'a');
    await vi.advanceTimersByTimeAsync(0);
    seen.length = 0;
    for (let chunk = 1; chunk <= 500; chunk++) {
      live.chunks = chunk;
      await vi.advanceTimersByTimeAsync(PROGRESS_EVERY_MS / 100);
    }
    // 500 chunks over five periods: five announcements, each with the latest count.
    expect(seen.map((rows) => rows[0]?.chunks)).toEqual([100, 200, 300, 400, 500]);
    await vi.advanceTimersByTimeAsync(10 * PROGRESS_EVERY_MS);
    expect(seen).toHaveLength(5);
  });

  it('announces a burst of starts once', async () => {
    const log = new RequestLog();
    const seen: InFlightRow[][] = [];
    log.watchInFlight((rows) => seen.push(rows));
    for (const id of ['a', 'b', 'c']) started(log, id);
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.map((rows) => rows.map((row) => row.id))).toEqual([['a', 'b', 'c']]);
  });

  it('shows at most IN_FLIGHT_SHOWN requests, the oldest, and still tracks the rest', async () => {
    const log = new RequestLog();
    const seen: InFlightRow[][] = [];
    log.watchInFlight((rows) => seen.push(rows));
    for (let i = 0; i < IN_FLIGHT_SHOWN + 10; i++) started(log, `r${i}`);
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.at(-1)).toHaveLength(IN_FLIGHT_SHOWN);
    expect(seen.at(-1)?.[0]?.id).toBe('r0');
    log.add(finished('r0'));
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.at(-1)).toHaveLength(IN_FLIGHT_SHOWN);
    expect(seen.at(-1)?.at(-1)?.id).toBe(`r${IN_FLIGHT_SHOWN}`);
  });

  it('looks at progress only while someone watches and something is in flight', async () => {
    const log = new RequestLog();
    started(log, 'a');
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.getTimerCount()).toBe(0);
    const stop = log.watchInFlight(() => undefined);
    expect(vi.getTimerCount()).toBe(1);
    log.add(finished('a'));
    await vi.advanceTimersByTimeAsync(PROGRESS_EVERY_MS);
    expect(vi.getTimerCount()).toBe(0);
    started(log, 'b');
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.getTimerCount()).toBe(1);
    stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('redacts a secret pasted into the model name, in flight as when finished', async () => {
    const log = new RequestLog();
    const live = started(log, 'a');
    live.model = 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789';
    expect(log.inFlight()[0]?.model).not.toContain('abcdefghijklmnop');
  });

  it('cleans the path and user-agent of a request in flight as it cleans a finished one', () => {
    const log = new RequestLog();
    log.start({ id: 'b', startedAt: '2026-12-03T10:00:00.000Z', method: 'GET', path: '/sk-proj-abcdefghijklmnopqrstuvwxyz0123456789', userAgent: 'evil\u001b[2J' }, {});
    const [row] = log.inFlight();
    expect(row?.path).not.toContain('abcdefghijklmnop');
    expect(row?.userAgent).not.toContain('\u001b');
  });
});
