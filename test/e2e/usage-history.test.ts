import fs from 'node:fs';
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import type { UsageReport } from '../../main/app/usage-history.js';
import { startBridge, type Bridge } from '../../main/bridge.js';
import { runCli } from '../../main/cli/index.js';
import { historyPath, openHistoryStore, type HistoryStore } from '../../main/history/history-store.js';
import { startHarness, type Harness } from '../support/bridge-harness.js';

const harnesses: Harness[] = [];
const bridges: Bridge[] = [];
afterEach(async () => {
  for (const bridge of bridges.splice(0)) await bridge.close(100);
  for (const h of harnesses.splice(0)) {
    await h.fake.close();
    fs.rmSync(h.dir, { recursive: true, force: true });
  }
});

async function stop(bridge: Bridge): Promise<void> {
  bridges.splice(bridges.indexOf(bridge), 1);
  await bridge.close(100);
}

/** A new bridge on the stopped harness bridge's home, noting what it reports about the history. */
async function restartNotingProblems(h: Harness): Promise<{ bridge: Bridge; problems: string[] }> {
  const problems: string[] = [];
  const bridge = await startBridge({ config: h.bridge.config, onHistoryProblem: (message) => problems.push(message) });
  bridges.push(bridge);
  return { bridge, problems };
}

async function expectAnswered(bridge: Bridge, text: string): Promise<void> {
  const client = new OpenAI({ baseURL: `${bridge.baseUrl}/v1`, apiKey: 'bridge', maxRetries: 0 });
  const answer = await client.chat.completions.create({ model: 'bridge-fast', messages: [{ role: 'user', content: text }] });
  expect(answer.choices[0]!.message.content).toContain(text);
}

/** A harness whose first bridge each test stops itself (to restart on the same home, or to tamper with its files). */
async function harness(settings?: Record<string, unknown>): Promise<Harness> {
  const h = await startHarness(settings ? { settings } : {});
  harnesses.push(h);
  return h;
}

interface Tokens {
  input: number;
  cached: number;
  output: number;
  reasoning: number;
}

async function usageCommand(h: Harness, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['usage', ...argv], {
    env: { CODEX_BRIDGE_HOME: h.bridge.config.home, CODEX_AUTH_PATH: h.authPath },
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    stopSignal: new Promise(() => {}),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

// Long enough (> 1024 tokens) that the fake's prompt cache reports cached input from the second turn on.
const SYSTEM = `You are a careful assistant. ${'Keep answers short and exact. '.repeat(200)}`;

describe('usage history', () => {
  it('records every request with the fake’s token counts, keeps them across a restart, and `usage --json` totals match', async () => {
    const h = await harness();
    const sent: Tokens[] = [];
    const conversation: OpenAI.Chat.ChatCompletionMessageParam[] = [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: 'first turn' },
    ];
    const first = await h.client.chat.completions.create({ model: 'bridge-fast', messages: conversation });
    sent.push(fromChat(first.usage));
    conversation.push(first.choices[0]!.message as OpenAI.Chat.ChatCompletionMessageParam, { role: 'user', content: 'second turn' });
    const stream = await h.client.chat.completions.create({ model: 'bridge-fast', messages: conversation, stream: true, stream_options: { include_usage: true } });
    for await (const chunk of stream) if (chunk.usage) sent.push(fromChat(chunk.usage));
    const answer = await h.client.responses.create({ model: 'bridge-codex', input: 'a responses request' });
    sent.push(fromResponses(answer.usage));
    const events = await h.client.responses.create({ model: 'bridge-codex', input: 'a streamed one', stream: true });
    for await (const event of events) if (event.type === 'response.completed') sent.push(fromResponses(event.response.usage));
    expect(sent).toHaveLength(4);
    expect(sent[1]!.cached).toBeGreaterThan(0);

    // A restart: the first bridge's history is on disk, the second adds to it.
    await h.bridge.close(100);
    const second = await startBridge({ config: h.bridge.config });
    bridges.push(second);
    const client = new OpenAI({ baseURL: `${second.baseUrl}/v1`, apiKey: 'bridge', maxRetries: 0 });
    const after = await client.chat.completions.create({ model: 'bridge-mini', messages: [{ role: 'user', content: 'after the restart' }] });
    sent.push(fromChat(after.usage));
    await stop(second);

    const { code, out } = await usageCommand(h, '--json', '--days', '1');
    expect(code).toBe(0);
    const report = JSON.parse(out) as UsageReport;
    const sum = (pick: (t: Tokens) => number): number => sent.reduce((total, tokens) => total + pick(tokens), 0);
    expect(report.total).toMatchObject({
      requests: 5,
      errors: 0,
      inputTokens: sum((t) => t.input),
      cachedTokens: sum((t) => t.cached),
      outputTokens: sum((t) => t.output),
      reasoningTokens: sum((t) => t.reasoning),
    });
    expect(report.total.cachedShare).toBeCloseTo(sum((t) => t.cached) / sum((t) => t.input), 10);
    const slugs = await Promise.all(['bridge-fast', 'bridge-codex', 'bridge-mini'].map(async (alias) => (await h.bridge.models.resolve(alias)).slug));
    expect(report.models.map((row) => row.model).sort()).toEqual([...new Set(slugs)].sort());
    expect(report.days).toHaveLength(1);
    // Every answer carried the fake's x-codex-* headers: the limits were read and recorded.
    expect(report.limits.length).toBeGreaterThan(0);
    expect(report.limits[0]).toMatchObject({ window: 'primary', windowMinutes: 300 });

    const text = await usageCommand(h);
    expect(text.out).toContain('Usage over the last 7 days');
    expect(text.out).toContain('5h window:');

    // What the inspector reads: the request's front-end, client, effort, tier and timing phases.
    const store = openHistoryStore(h.bridge.config.home) as HistoryStore;
    const rows = store.recentRequests(10);
    store.close();
    expect(rows.map((row) => row.frontEnd)).toEqual(['chat', 'responses', 'responses', 'chat', 'chat']);
    const streamed = rows[1]!;
    expect(streamed).toMatchObject({ alias: 'bridge-codex', effort: 'medium', tier: 'default', status: 200, stream: true, attempts: 1 });
    expect(streamed.userAgent).toMatch(/^OpenAI\/JS /);
    expect(streamed.bridgeMs).toBeGreaterThanOrEqual(0);
    expect(streamed.upstreamMs).toBeGreaterThan(0);
    expect(streamed.firstTokenMs).toBeGreaterThanOrEqual(streamed.bridgeMs! + streamed.upstreamMs!);
    expect(streamed.totalMs).toBeGreaterThanOrEqual(Math.floor(streamed.firstTokenMs!));
  });

  it('refuses bad flags with exit 2 and reports an empty history without creating one', async () => {
    const h = await harness();
    await h.bridge.close(100);
    fs.rmSync(historyPath(h.bridge.config.home), { force: true });
    for (const flags of [['--days', '0'], ['--days', 'x'], ['--days', '1.5'], ['--weeks', '2']]) {
      const bad = await usageCommand(h, ...flags);
      expect(bad.code).toBe(2);
      expect(bad.err).toContain('Usage: codex-cursor-bridge usage');
    }
    const empty = await usageCommand(h, '--json');
    expect(empty.code).toBe(0);
    expect((JSON.parse(empty.out) as UsageReport).total.requests).toBe(0);
    expect(fs.existsSync(historyPath(h.bridge.config.home))).toBe(false);
  });

  it('prunes history older than historyRetentionDays when the bridge starts', async () => {
    const h = await harness({ historyRetentionDays: 7 });
    await h.bridge.close(100);
    const seed = openHistoryStore(h.bridge.config.home) as HistoryStore;
    const day = 24 * 60 * 60 * 1000;
    seed.write({
      requests: [
        { id: 'old', at: Date.now() - 8 * day, frontEnd: 'chat', status: 200, totalMs: 1 },
        { id: 'kept', at: Date.now() - 6 * day, frontEnd: 'chat', status: 200, totalMs: 1 },
      ],
      limits: [{ at: Date.now() - 8 * day, window: 'primary', usedPercent: 5 }],
    });
    seed.close();
    bridges.push(await startBridge({ config: h.bridge.config }));
    const store = openHistoryStore(h.bridge.config.home) as HistoryStore;
    expect(store.recentRequests(10).map((row) => row.id)).toEqual(['kept']);
    expect(store.limitReadings(0)).toEqual([]);
    store.close();
  });

  it('keeps serving when the history cannot be written: a locked file, or its path taken', async () => {
    const h = await harness();
    await h.bridge.close(100);
    // Another process holds the write lock for as long as the bridge runs.
    const other = new Database(historyPath(h.bridge.config.home));
    other.exec('BEGIN EXCLUSIVE');
    const locked = await restartNotingProblems(h);
    for (let i = 0; i < 3; i++) await expectAnswered(locked.bridge, `locked ${i}`);
    await stop(locked.bridge);
    other.exec('ROLLBACK');
    other.close();
    expect(locked.problems).toEqual(['usage history is not being recorded: database is locked']);

    fs.rmSync(historyPath(h.bridge.config.home));
    fs.mkdirSync(historyPath(h.bridge.config.home));
    const blocked = await restartNotingProblems(h);
    await expectAnswered(blocked.bridge, 'still here');
    await stop(blocked.bridge);
    expect(blocked.problems).toHaveLength(1);
  });

  it.skipIf(process.getuid?.() === 0)('keeps serving when the history file is read-only', async () => {
    const h = await harness();
    await h.bridge.close(100);
    fs.chmodSync(historyPath(h.bridge.config.home), 0o400);
    const readOnly = await restartNotingProblems(h);
    await expectAnswered(readOnly.bridge, 'read-only');
    await stop(readOnly.bridge);
    expect(readOnly.problems).toHaveLength(1);
  });
});

function fromChat(usage: OpenAI.CompletionUsage | undefined): Tokens {
  if (!usage) throw new Error('no usage');
  return {
    input: usage.prompt_tokens,
    cached: usage.prompt_tokens_details?.cached_tokens ?? 0,
    output: usage.completion_tokens,
    reasoning: usage.completion_tokens_details?.reasoning_tokens ?? 0,
  };
}

function fromResponses(usage: OpenAI.Responses.ResponseUsage | undefined): Tokens {
  if (!usage) throw new Error('no usage');
  return {
    input: usage.input_tokens,
    cached: usage.input_tokens_details.cached_tokens,
    output: usage.output_tokens,
    reasoning: usage.output_tokens_details.reasoning_tokens,
  };
}
