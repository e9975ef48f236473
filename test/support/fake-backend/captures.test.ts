import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCapture, parseSse, replayHeaders, send, startHarness, textOf, type Harness } from './test-helpers.js';

const CAPTURED_REQUESTS = [
  '01-plain-request.json',
  '02-code-mode-first-request.json',
  '02-code-mode-followup-request.json',
  '03-function-call-first-request.json',
  '03-function-call-followup-request.json',
  '07-tui-title-request.json',
];

describe('the fake accepts what the real codex-cli 0.171.0 sends', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.backend.close());

  it.each(CAPTURED_REQUESTS)('%s streams a completed turn', async (name) => {
    const capture = loadCapture(name);
    const answer = await send(
      `${h.backend.baseUrl}/codex/responses`,
      'POST',
      JSON.stringify(capture.body),
      replayHeaders(capture, h.auth.tokens.access_token),
    );
    expect(answer.status, answer.text).toBe(200);
    expect(answer.headers['content-type']).toBe('text/event-stream');
    expect(answer.headers['openai-model']).toBe(capture.body.model);
    const events = parseSse(answer.text);
    expect(events.at(-1)?.data.type).toBe('response.completed');
    expect(textOf(events)).toMatch(/^Hello from the fake backend\. You said: /);
    const recorded = h.backend.responsesRequests().at(-1)!;
    expect(recorded.body).toEqual(capture.body);
    expect(recorded.headers['x-codex-turn-metadata']).toBe(capture.headers.find(([n]) => n === 'x-codex-turn-metadata')?.[1]);
  });

  it('echoes the user text of the captured plain prompt', async () => {
    const capture = loadCapture('01-plain-request.json');
    const answer = await send(
      `${h.backend.baseUrl}/codex/responses`,
      'POST',
      JSON.stringify(capture.body),
      replayHeaders(capture, h.auth.tokens.access_token),
    );
    expect(textOf(parseSse(answer.text))).toBe('Hello from the fake backend. You said: say hi');
  });

  it('answers the captured WebSocket upgrade with 426 so clients fall back to HTTP', async () => {
    const capture = loadCapture('00-websocket-upgrade-request.json');
    const { request } = await import('node:http');
    const url = new URL(`${h.backend.baseUrl}/codex/responses`);
    const headers = replayHeaders(capture, h.auth.tokens.access_token);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(url, { method: 'GET', headers });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('upgrade', () => reject(new Error('upgrade must not succeed')));
      req.on('error', reject);
      req.end();
    });
    expect(headers.upgrade?.toLowerCase()).toBe('websocket');
    expect(status).toBe(426);
  });
});
