import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openHistoryStore, type HistoryStore } from '../../main/history/history-store.js';
import { formatLogLine } from '../../main/cli/log-line.js';
import { startHarness, type Harness } from '../support/bridge-harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A harness whose backend has reached the plan's limit for the model behind bridge-pro-high only. */
async function limitedHarness(settings: Record<string, unknown>): Promise<{ h: Harness; limited: string; reserve: string }> {
  h = await startHarness({ settings });
  const limited = (await h.bridge.models.resolve('bridge-pro-high')).slug;
  const reserve = (await h.bridge.models.resolve('bridge-mini')).slug;
  expect(reserve).not.toBe(limited);
  h.fake.usageLimitedModels.add(limited);
  return { h, limited, reserve };
}

const ask = { model: 'bridge-pro-high', messages: [{ role: 'user' as const, content: 'over the limit' }] };

describe('usage-limit fallback', () => {
  it('is off by default: the limit is a 429 with Retry-After, and other models still answer', async () => {
    const { h } = await limitedHarness({});
    const error = await h.client.chat.completions.create(ask).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(429);
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe('usage_limit_reached');
    expect(Number((error as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after'))).toBeGreaterThan(0);
    expect((error as InstanceType<typeof OpenAI.APIError>).headers?.get('x-bridge-fallback')).toBeNull();
    // The fake limits one model only.
    const other = await h.client.chat.completions.create({ ...ask, model: 'bridge-mini' });
    expect(other.choices[0]!.message.content).toContain('over the limit');
  });

  it('serves from the fallback alias when set, marked in the header, the log and the history', async () => {
    const { h, limited, reserve } = await limitedHarness({ onUsageLimit: { fallback: 'bridge-mini' } });
    const { data, response } = await h.client.chat.completions.create(ask).withResponse();
    expect(data.choices[0]!.message.content).toContain('over the limit');
    // The client still sees the alias it asked for; the header says who answered.
    expect(data.model).toBe('bridge-pro-high');
    expect(response.headers.get('x-bridge-fallback')).toBe('bridge-pro-high->bridge-mini');
    expect(h.fake.responsesRequests().map((request) => (request.body as { model: string }).model)).toEqual([limited, reserve]);
    expect(formatLogLine(h.bridge.log.recent(1)[0]!)).toContain(' fallback-from=bridge-pro-high');
    expect(h.bridge.log.recent(1)[0]).toMatchObject({ status: 200, model: 'bridge-pro-high', upstreamModel: reserve, fallbackFrom: 'bridge-pro-high', effort: 'low', attempts: 2 });

    const stream = await h.client.responses.create({ model: 'bridge-pro-high', input: 'streamed over the limit', stream: true }).withResponse();
    expect(stream.response.headers.get('x-bridge-fallback')).toBe('bridge-pro-high->bridge-mini');
    let text = '';
    for await (const event of stream.data) if (event.type === 'response.output_text.delta') text += event.delta;
    expect(text).toContain('streamed over the limit');

    // The recorder writes within a second, off the request path; the file is read while the bridge runs (WAL).
    const store = openHistoryStore(h.bridge.config.home) as HistoryStore;
    try {
      await vi.waitFor(() => expect(store.recentRequests(5)).toHaveLength(2), { timeout: 5_000, interval: 100 });
      expect(store.recentRequests(5).map((row) => [row.frontEnd, row.alias, row.model, row.fallbackFrom])).toEqual([
        ['responses', 'bridge-pro-high', reserve, 'bridge-pro-high'],
        ['chat', 'bridge-pro-high', reserve, 'bridge-pro-high'],
      ]);
    } finally {
      store.close();
    }
  });

  it('serves Claude Code from the fallback too: a Claude name on /v1/messages, streaming and not, re-translated for the fallback model', async () => {
    const { h, limited, reserve } = await limitedHarness({ onUsageLimit: { fallback: 'bridge-mini' } });
    const client = new Anthropic({ baseURL: h.bridge.baseUrl, apiKey: 'unused-on-localhost', maxRetries: 0 });
    // claude-opus-… routes to bridge-pro-high, whose model is limited.
    const ask = { model: 'claude-opus-4-1', max_tokens: 100, messages: [{ role: 'user' as const, content: 'claude over the limit' }] };
    const { data, response } = await client.messages.create(ask).withResponse();
    expect(data.content).toEqual([expect.objectContaining({ type: 'text', text: expect.stringContaining('claude over the limit') })]);
    expect(data.model).toBe('claude-opus-4-1');
    expect(response.headers.get('x-bridge-fallback')).toBe('bridge-pro-high->bridge-mini');

    const stream = client.messages.stream(ask);
    expect((await stream.finalMessage()).content).toEqual([expect.objectContaining({ type: 'text', text: expect.stringContaining('claude over the limit') })]);
    const sent = h.fake.responsesRequests().map((request) => request.body as { model: string; reasoning?: { effort?: string } });
    expect(sent.map((body) => body.model)).toEqual([limited, reserve, limited, reserve]);
    // The fallback's request is its own translation (bridge-mini's effort), not the limited model's body re-sent.
    expect(sent[1]!.reasoning?.effort).toBe('low');
    expect(h.bridge.log.recent(1)[0]).toMatchObject({ frontEnd: 'messages', status: 200, model: 'bridge-pro-high', upstreamModel: reserve, fallbackFrom: 'bridge-pro-high' });
  });

  it('answers the 429 when the fallback is limited too', async () => {
    const { h, reserve } = await limitedHarness({ onUsageLimit: { fallback: 'bridge-mini' } });
    h.fake.usageLimitedModels.add(reserve);
    const error = (await h.client.chat.completions.create(ask).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(error.status).toBe(429);
    expect(h.fake.responsesRequests()).toHaveLength(2);
  });
});
