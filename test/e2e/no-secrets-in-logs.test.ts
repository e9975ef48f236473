import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { request } from 'undici';
import { formatLogLine } from '../../main/cli/log-line.js';
import { startHarness, type Harness } from '../support/bridge-harness.js';

interface AuthFile {
  tokens: { access_token: string; refresh_token: string; id_token: string };
}

/** Everything the bridge let out: debug lines, request-log lines, console output, what clients got back. */
class OutputCapture {
  readonly chunks: string[] = [];
  private readonly restore: Array<() => void> = [];

  constructor(h: Harness) {
    this.restore.push(h.bridge.log.subscribe((entry) => this.chunks.push(formatLogLine(entry), JSON.stringify(entry))));
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      const spy = vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void this.chunks.push(args.map(String).join(' ')));
      this.restore.push(() => spy.mockRestore());
    }
    for (const stream of [process.stdout, process.stderr]) {
      const original = stream.write.bind(stream);
      stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
        this.chunks.push(String(chunk));
        return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof stream.write;
      this.restore.push(() => void (stream.write = original as typeof stream.write));
    }
  }

  add(text: string): void {
    this.chunks.push(text);
  }

  stop(): void {
    for (const undo of this.restore.splice(0)) undo();
  }
}

/** A secret and the parts of it that would give it away on their own (JWT payload and signature, refresh MAC). */
function secretForms(token: string): string[] {
  const forms = [token];
  const jwt = token.split('.');
  if (jwt.length === 3) forms.push(jwt[1]!, jwt[2]!);
  const refresh = /^rt_([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(token);
  if (refresh) forms.push(refresh[1]!, refresh[2]!);
  if (token.startsWith('sk-bridge-')) forms.push(token.slice('sk-bridge-'.length));
  return forms.filter((form) => form.length >= 16);
}

function expectNoSecrets(output: string[], secrets: Iterable<string>): void {
  const text = output.join('\n');
  const forms = [...new Set([...secrets].flatMap(secretForms))];
  // Where each leak sits, so a failure names the line that let it out.
  const leaks = forms.filter((form) => text.includes(form)).map((form) => text.slice(Math.max(0, text.indexOf(form) - 80), text.indexOf(form) + 20));
  expect(leaks).toEqual([]);
}

async function tokensIn(authPath: string): Promise<string[]> {
  const { tokens } = JSON.parse(await readFile(authPath, 'utf8')) as AuthFile;
  return [tokens.access_token, tokens.refresh_token, tokens.id_token];
}

let h: Harness | undefined;
let capture: OutputCapture | undefined;
afterEach(async () => {
  capture?.stop();
  await h?.close();
  h = undefined;
  capture = undefined;
});

/** What the guard sees of a public tunnel; the test turns it on as the application does. */
const exposure = { active: false };

async function start(): Promise<{ h: Harness; capture: OutputCapture; debug: string[] }> {
  const debug: string[] = [];
  exposure.active = false;
  const harness = await startHarness({
    env: { CODEX_BRIDGE_DEBUG: '1' },
    bridge: { exposure: () => exposure, onDebug: (line) => debug.push(line), onInternalError: (error) => debug.push(String(error), (error as Error)?.stack ?? '') },
  });
  h = harness;
  capture = new OutputCapture(harness);
  return { h: harness, capture, debug };
}

/** POSTs like a client would and records what the client got back (status line, headers and body). */
async function call(harness: Harness, out: OutputCapture, path: string, body: unknown, headers: Record<string, string> = {}): Promise<number> {
  const res = await request(`${harness.bridge.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  out.add(`${res.statusCode} ${JSON.stringify(res.headers)}\n${await res.body.text()}`);
  return res.statusCode;
}

const chat = (text: string, extra: Record<string, unknown> = {}) => ({ model: 'bridge-fast', messages: [{ role: 'user', content: text }], ...extra });

describe('no token ever reaches the logs or error bodies', () => {
  it('covers ok and streamed requests, 401 recovery with refresh, a reused refresh token, usage limits, bad input and the tunnel token', async () => {
    const { h, capture, debug } = await start();
    const secrets = new Set<string>([h.bridge.bridgeToken, ...(await tokensIn(h.authPath))]);

    expect(await call(h, capture, '/v1/chat/completions', chat('plain'))).toBe(200);
    expect(await call(h, capture, '/v1/chat/completions', chat('streamed', { stream: true }))).toBe(200);
    expect(await call(h, capture, '/v1/responses', { model: 'bridge-fast', input: 'responses', stream: true })).toBe(200);

    // 401 from the backend → refresh → re-send with the new token.
    h.fake.enqueue({ kind: 'unauthorized' });
    expect(await call(h, capture, '/v1/chat/completions', chat('after 401'))).toBe(200);
    for (const token of await tokensIn(h.authPath)) secrets.add(token);
    expect(h.fake.tokens.refreshRequests).toHaveLength(1);

    // The next refresh is refused as already used: the client is told to log in again.
    h.fake.tokens.failNextRefresh('refresh_token_reused');
    h.fake.enqueue({ kind: 'unauthorized' });
    expect(await call(h, capture, '/v1/chat/completions', chat('reused'))).toBe(401);
    expect(capture.chunks.at(-1)).toContain('codex-cursor-bridge login');
    expect(h.fake.tokens.refreshRequests).toHaveLength(2);

    h.fake.enqueue({ kind: 'usage_limit', planType: 'pro', resetsInSeconds: 600 });
    expect(await call(h, capture, '/v1/chat/completions', chat('limited'))).toBe(429);

    expect(await call(h, capture, '/v1/chat/completions', '{"model": "bridge-fast", "messages": [')).toBe(400);
    expect(await call(h, capture, '/v1/chat/completions', { model: 'bridge-fast', messages: [{ role: 'robot', content: 'x' }] })).toBe(400);
    expect(await call(h, capture, '/v1/responses', { model: 'no-such-model', input: 'x' })).toBeGreaterThanOrEqual(400);

    // A public tunnel forces the bridge token: missing, wrong and right tokens.
    exposure.active = true;
    const wrongToken = `sk-bridge-${'A'.repeat(43)}`;
    secrets.add(wrongToken);
    expect(await call(h, capture, '/v1/chat/completions', chat('no token'))).toBe(401);
    expect(await call(h, capture, '/v1/chat/completions', chat('wrong token'), { authorization: `Bearer ${wrongToken}` })).toBe(401);
    expect(await call(h, capture, '/v1/chat/completions', chat('right token'), { authorization: `Bearer ${h.bridge.bridgeToken}` })).toBe(200);
    expect(await call(h, capture, '/v1/chat/completions', chat('x-api-key'), { 'x-api-key': h.bridge.bridgeToken })).toBeLessThan(500);

    capture.add(JSON.stringify(await h.bridge.auth.describe()));
    for (const recorded of h.fake.requests) {
      if (recorded.headers.authorization) secrets.add(recorded.headers.authorization.replace(/^Bearer /, ''));
    }
    for (const refresh of h.fake.tokens.refreshRequests) secrets.add(String(refresh.refresh_token));

    expect(debug.some((line) => line.startsWith('[debug]'))).toBe(true);
    expect(capture.chunks.filter((line) => line.includes('/v1/chat/completions')).length).toBeGreaterThanOrEqual(10);
    expect(secrets.size).toBeGreaterThanOrEqual(8);
    expectNoSecrets([...debug, ...capture.chunks], secrets);
  });

  it('does not echo a token pasted into the wrong field (model, role, tool name) into the log or the error', async () => {
    const { h, capture, debug } = await start();
    const [accessToken] = await tokensIn(h.authPath);
    const bridgeToken = h.bridge.bridgeToken;
    await call(h, capture, '/v1/chat/completions', { model: bridgeToken, messages: [{ role: 'user', content: 'x' }] });
    await call(h, capture, '/v1/responses', { model: `Bearer ${accessToken}`, input: 'x' });
    await call(h, capture, '/v1/chat/completions', { model: 'bridge-fast', messages: [{ role: bridgeToken, content: 'x' }] });
    await call(h, capture, '/v1/chat/completions', {
      model: 'bridge-fast',
      messages: [{ role: 'user', content: 'x' }],
      tool_choice: { type: 'function', function: { name: accessToken } },
    });
    expectNoSecrets([...debug, ...capture.chunks], [bridgeToken, accessToken!]);
  });
});
