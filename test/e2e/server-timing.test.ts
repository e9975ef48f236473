/**
 * Every answer of every front-end carries `Server-Timing`: the bridge's own time before the upstream request, the
 * upstream time to its answer, and on answers complete as their head is sent the total. A new front-end (the
 * Anthropic Messages route) gets it from the shared server code and belongs in this file's list.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { formatLogLine } from '../../main/cli/log-line.js';
import { startHarness, type Harness } from '../support/bridge-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ fake: { defaultDeltaIntervalMs: 5 } });
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => h.fake.reset());

interface Timing {
  bridge?: number;
  upstream?: number;
  total?: number;
}

function parse(header: string | null): Timing {
  expect(header).toMatch(/^bridge;dur=[\d.]+(, upstream;dur=[\d.]+)?(, total;dur=[\d.]+)?$/);
  return Object.fromEntries((header ?? '').split(', ').map((part) => [part.split(';')[0], Number(part.split('dur=')[1])]));
}

async function post(path: string, body: unknown): Promise<{ response: Response; text: string; elapsed: number }> {
  const started = performance.now();
  const response = await fetch(`${h.bridge.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  return { response, text, elapsed: performance.now() - started };
}

/** Each front-end: a request, how its stream ends, and the status of an unknown model (Anthropic's is a 404). */
const FRONT_ENDS = [
  { path: '/v1/chat/completions', body: { model: 'bridge-fast', messages: [{ role: 'user', content: 'time me' }] }, end: 'data: [DONE]', unknownModel: 400 },
  { path: '/v1/responses', body: { model: 'bridge-fast', input: 'time me' }, end: 'event: response.completed', unknownModel: 400 },
  {
    path: '/v1/messages',
    body: { model: 'bridge-fast', max_tokens: 64, messages: [{ role: 'user', content: 'time me' }] },
    end: 'event: message_stop',
    unknownModel: 404,
  },
];

describe('Server-Timing', () => {
  for (const { path, body, end, unknownModel } of FRONT_ENDS) {
    it(`${path}: a non-streaming answer has the bridge, upstream and total figures, plausible and consistent`, async () => {
      const { response, elapsed } = await post(path, body);
      expect(response.status).toBe(200);
      const timing = parse(response.headers.get('server-timing'));
      expect(timing.bridge).toBeGreaterThanOrEqual(0);
      expect(timing.upstream).toBeGreaterThan(0);
      expect(timing.bridge! + timing.upstream!).toBeLessThanOrEqual(timing.total!);
      expect(timing.total).toBeLessThanOrEqual(elapsed);
      const entry = h.bridge.log.recent(1)[0]!;
      expect(entry).toMatchObject({ bridgeMs: timing.bridge, upstreamMs: timing.upstream });
      expect(formatLogLine(entry)).toContain(` bridge=${timing.bridge}ms upstream=${timing.upstream}ms`);
      expect(entry.firstTokenMs).toBeGreaterThanOrEqual(timing.bridge! + timing.upstream!);
    });

    it(`${path}: a stream's head has the bridge and upstream figures, no total`, async () => {
      const { response, text } = await post(path, { ...body, stream: true });
      expect(response.headers.get('content-type')).toContain('text/event-stream');
      expect(text).toContain(end);
      const timing = parse(response.headers.get('server-timing'));
      expect(timing.upstream).toBeGreaterThan(0);
      expect(timing.total).toBeUndefined();
    });

    it(`${path}: an error answer has the bridge figure and the total`, async () => {
      const bad = await post(path, { ...body, model: 'gpt-4o' });
      expect(bad.response.status).toBe(unknownModel);
      const timing = parse(bad.response.headers.get('server-timing'));
      expect(timing.upstream).toBeUndefined();
      expect(timing.total).toBeGreaterThanOrEqual(timing.bridge!);

      h.fake.enqueue({ kind: 'usage_limit' });
      const limited = await post(path, body);
      expect(limited.response.status).toBe(429);
      expect(parse(limited.response.headers.get('server-timing')).total).toBeGreaterThan(0);
    });
  }

  it('is on the other answers too (models, health)', async () => {
    for (const path of ['/v1/models', '/healthz']) {
      const response = await fetch(`${h.bridge.baseUrl}${path}`);
      expect(parse(response.headers.get('server-timing')).total).toBeGreaterThanOrEqual(0);
    }
  });
});
