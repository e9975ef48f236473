/** Shared plumbing for the fake backend's own tests: real loopback HTTP via undici, SSE parsing, capture loading. */
import { readFileSync } from 'node:fs';
import { createParser } from 'eventsource-parser';
import { request } from 'undici';
import { startFakeBackend } from './server.js';
import type { AuthDotJson } from './tokens.js';
import type { FakeBackend, FakeBackendOptions } from './types.js';

export interface SseEvent {
  event: string | undefined;
  data: Record<string, unknown> & { type: string; sequence_number: number };
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

export interface Harness {
  backend: FakeBackend;
  auth: AuthDotJson;
  /** Headers a well-behaved client sends (bearer + account). */
  headers: Record<string, string>;
  postResponses(body: unknown, extraHeaders?: Record<string, string | undefined>): Promise<HttpAnswer>;
}

export async function startHarness(opts: FakeBackendOptions = {}): Promise<Harness> {
  const backend = await startFakeBackend(opts);
  const auth = backend.tokens.mintAuthJson();
  const headers = {
    authorization: `Bearer ${auth.tokens.access_token}`,
    'chatgpt-account-id': auth.tokens.account_id,
    'content-type': 'application/json',
    accept: 'text/event-stream',
  };
  return {
    backend,
    auth,
    headers,
    postResponses: (body, extra = {}) =>
      send(`${backend.baseUrl}/codex/responses`, 'POST', JSON.stringify(body), withoutUndefined({ ...headers, ...extra })),
  };
}

export async function send(url: string, method: string, body: string | undefined, headers: Record<string, string>): Promise<HttpAnswer> {
  const res = await request(url, { method: method as 'POST', headers, ...(body !== undefined && { body }) });
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return { status: res.statusCode, headers: flat, text: await res.body.text() };
}

export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = createParser({
    onEvent: (message) => events.push({ event: message.event, data: JSON.parse(message.data) as SseEvent['data'] }),
  });
  parser.feed(text);
  return events;
}

/** A minimal valid request for a classic (non-lite) model. */
export function classicBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: 'gpt-5.5',
    instructions: 'You are a test.',
    input: [userMessage('say hi')],
    tool_choice: 'auto',
    parallel_tool_calls: true,
    reasoning: { effort: 'medium' },
    store: false,
    stream: true,
    include: ['reasoning.encrypted_content'],
    ...overrides,
  };
}

export function userMessage(text: string): Record<string, unknown> {
  return { type: 'message', role: 'user', content: [{ type: 'input_text', text }] };
}

export interface Capture {
  headers: [string, string][];
  body: Record<string, unknown>;
}

export function loadCapture(name: string): Capture {
  const url = new URL(`../../fixtures/codex-cli/${name}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as Capture;
}

/** The capture's headers as a client would resend them with a plain JSON body and a real token. */
export function replayHeaders(capture: Capture, accessToken: string): Record<string, string> {
  const dropped = new Set(['host', 'content-length', 'content-encoding']);
  const out: Record<string, string> = {};
  for (const [rawName, value] of capture.headers) {
    const name = rawName.toLowerCase();
    if (dropped.has(name)) continue;
    out[name] = name === 'authorization' ? `Bearer ${accessToken}` : value;
  }
  return out;
}

export function textOf(events: SseEvent[]): string {
  return events
    .filter((e) => e.data.type === 'response.output_text.delta')
    .map((e) => e.data.delta as string)
    .join('');
}

function withoutUndefined(headers: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
