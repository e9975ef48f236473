import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { classicBody, parseSse, startHarness, textOf, userMessage, type Harness, type SseEvent } from './test-helpers.js';
import type { UsageNumbers } from './types.js';

function types(events: SseEvent[]): string[] {
  return events.map((e) => e.data.type);
}

function completedUsage(events: SseEvent[]) {
  const completed = events.find((e) => e.data.type === 'response.completed')!;
  return (completed.data.response as { usage: UsageNumbers }).usage;
}

describe('SSE turns', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.backend.close());
  beforeEach(() => h.backend.reset());

  it('streams the default echo with a reasoning item, in the real event order, with increasing sequence numbers', async () => {
    const answer = await h.postResponses(classicBody());
    const events = parseSse(answer.text);
    expect(events.every((e) => e.event === e.data.type)).toBe(true);
    expect(events.map((e) => e.data.sequence_number)).toEqual(events.map((_, i) => i));
    expect(types(events)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      ...types(events).filter((t) => t === 'response.reasoning_summary_text.delta'),
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.content_part.added',
      ...types(events).filter((t) => t === 'response.output_text.delta'),
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(types(events).filter((t) => t === 'response.output_text.delta').length).toBeGreaterThan(3);
    const reasoningDone = events.find((e) => e.data.type === 'response.output_item.done')!.data.item as Record<string, unknown>;
    expect(reasoningDone).toMatchObject({ type: 'reasoning', encrypted_content: expect.stringMatching(/^gAAAAB/) });
    const completed = events.at(-1)!.data.response as { output: unknown[]; status: string };
    expect(completed).toMatchObject({ status: 'completed', output: [] });
    expect(textOf(events)).toBe('Hello from the fake backend. You said: say hi');
  });

  it('echoes the last user message and counts its images', async () => {
    const image = { type: 'input_image', image_url: 'data:image/png;base64,iVBORw0KGgo=' };
    const input = [
      userMessage('first'),
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'ok' }] },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'look' }, image, image] },
    ];
    const events = parseSse((await h.postResponses(classicBody({ input }))).text);
    expect(textOf(events)).toBe('Hello from the fake backend. You said: look [2 image(s)]');
  });

  it('plays text steps FIFO with explicit deltas, reasoning and usage override', async () => {
    h.backend.enqueue(
      { kind: 'text', deltas: ['Hel', 'lo'], reasoningSummary: 'thinking', usage: { output_tokens: 7 } },
      { kind: 'text', text: 'second answer' },
    );
    const first = parseSse((await h.postResponses(classicBody())).text);
    expect(first.filter((e) => e.data.type === 'response.output_text.delta').map((e) => e.data.delta)).toEqual(['Hel', 'lo']);
    expect(first.find((e) => e.data.type === 'response.reasoning_summary_text.done')?.data.text).toBe('thinking');
    const usage = completedUsage(first);
    expect(usage.output_tokens).toBe(7);
    expect(usage.total_tokens).toBe(usage.input_tokens + 7);
    const second = parseSse((await h.postResponses(classicBody())).text);
    expect(textOf(second)).toBe('second answer');
    expect(second.some((e) => (e.data.item as { type?: string } | undefined)?.type === 'reasoning')).toBe(false);
    expect(textOf(parseSse((await h.postResponses(classicBody())).text))).toMatch(/^Hello from the fake backend/);
  });

  it('streams parallel function calls with argument deltas, and custom tool calls', async () => {
    h.backend.enqueue({
      kind: 'tool_calls',
      text: 'Running it.',
      calls: [
        { name: 'exec_command', arguments: '{"cmd":"echo hi"}', callId: 'call_a' },
        { name: 'view_image', arguments: '{"path":"/tmp/x.png"}' },
        { name: 'exec', arguments: 'text("hi")', custom: true },
      ],
    });
    const events = parseSse((await h.postResponses(classicBody())).text);
    const added = events.filter((e) => e.data.type === 'response.output_item.added').map((e) => e.data);
    expect(added.map((e) => [e.output_index, (e.item as { type: string }).type])).toEqual([
      [0, 'message'],
      [1, 'function_call'],
      [2, 'function_call'],
      [3, 'custom_tool_call'],
    ]);
    expect((added[1]!.item as { arguments: string }).arguments).toBe('');
    expect((added[0]!.item as { phase: string }).phase).toBe('commentary');
    const done = events.filter((e) => e.data.type === 'response.output_item.done').map((e) => e.data.item as Record<string, string>);
    expect(done[1]).toMatchObject({ type: 'function_call', name: 'exec_command', call_id: 'call_a', arguments: '{"cmd":"echo hi"}', status: 'completed' });
    expect(done[2]!.call_id).toMatch(/^call_/);
    expect(done[3]).toMatchObject({ type: 'custom_tool_call', name: 'exec', input: 'text("hi")' });
    const argDeltas = events.filter((e) => e.data.type === 'response.function_call_arguments.delta' && e.data.item_id === done[1]!.id);
    expect(argDeltas.length).toBeGreaterThan(1);
    expect(argDeltas.map((e) => e.data.delta).join('')).toBe('{"cmd":"echo hi"}');
    expect(events.some((e) => e.data.type === 'response.custom_tool_call_input.done')).toBe(true);
  });

  it('puts the rate-limit and model headers on every 200', async () => {
    h.backend.rateLimits.primaryUsedPercent = 42.5;
    const answer = await h.postResponses(classicBody());
    const now = Math.floor(Date.now() / 1000);
    expect(answer.headers).toMatchObject({
      'x-codex-primary-used-percent': '42.5',
      'x-codex-primary-window-minutes': '300',
      'x-codex-primary-reset-after-seconds': '3600',
      'x-codex-secondary-window-minutes': '10080',
      'x-codex-credits-has-credits': 'False',
      'x-codex-credits-unlimited': 'False',
      'x-codex-plan-type': 'pro',
      'x-codex-active-limit': 'codex',
      'openai-model': 'gpt-5.5',
    });
    expect(Number(answer.headers['x-codex-primary-reset-at'])).toBeGreaterThanOrEqual(now + 3599);
    expect(Number(answer.headers['x-codex-secondary-reset-at'])).toBeGreaterThanOrEqual(now + 86399);
    expect(answer.headers['x-request-id']).toMatch(/^req_/);
    expect(answer.headers['x-models-etag']).toMatch(/^W\/"/);
  });
});

describe('prompt cache emulation', () => {
  const longPrompt = 'x'.repeat(8000); // ≈ 2000 tokens, above the 1024-token cache floor
  const turn1 = () => [
    { type: 'message', role: 'developer', content: [{ type: 'input_text', text: longPrompt }] },
    userMessage('first question'),
  ];
  const turn2 = () => [...turn1(), { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'answer' }] }, userMessage('next')];

  async function usageOf(h: Harness, input: unknown[], key: string) {
    return completedUsage(parseSse((await h.postResponses(classicBody({ input, prompt_cache_key: key }))).text));
  }

  it('reports the shared prefix with the previous request of the same key, in 128-token blocks', async () => {
    const h = await startHarness();
    try {
      const first = await usageOf(h, turn1(), 'session-1');
      expect(first.input_tokens_details.cached_tokens).toBe(0);
      const second = await usageOf(h, turn2(), 'session-1');
      expect(second.input_tokens).toBeGreaterThan(first.input_tokens);
      expect(second.input_tokens_details.cached_tokens).toBeGreaterThanOrEqual(1024);
      expect(second.input_tokens_details.cached_tokens % 128).toBe(0);
      expect(second.input_tokens_details.cached_tokens).toBeLessThanOrEqual(first.input_tokens);
      expect((await usageOf(h, turn2(), 'session-2')).input_tokens_details.cached_tokens).toBe(0);
      expect((await usageOf(h, [userMessage('short')], 'session-1')).input_tokens_details.cached_tokens).toBe(0);
    } finally {
      await h.backend.close();
    }
  });

  it('can be switched off', async () => {
    const h = await startHarness({ promptCache: false });
    try {
      await usageOf(h, turn1(), 'k');
      expect((await usageOf(h, turn2(), 'k')).input_tokens_details.cached_tokens).toBe(0);
    } finally {
      await h.backend.close();
    }
  });
});
