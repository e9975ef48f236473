/** The running servers of one bench run and the requests every phase sends to them. */
import type { Child } from './children.js';
import type { FakeReady, RecordedCall } from './serve-fake.js';
import type { ServerReady } from './serve-bridge.js';
import { timeFullRequest, type HttpCall } from './sse-reader.js';

export interface BenchContext {
  fake: Child<FakeReady>;
  bridge: Child<ServerReady>;
  /** The leanest Node relay (node:http both ways, bytes piped raw): what the bridge is judged against. */
  floor: Child<ServerReady>;
  /** The second reference: node:http in, undici + pipeline out. */
  undiciFloor: Child<ServerReady>;
}

export const CHAT_MODEL = 'bridge-fast';
const JSON_HEADERS = { 'content-type': 'application/json' };
/** Not forwarded when replaying a recorded request: undici sets its own framing and host. */
const FRAMING_HEADERS = new Set(['host', 'content-length', 'connection', 'transfer-encoding']);

/** POST /v1/chat/completions on the bridge with a one-line user message. */
export function bridgeChat(ctx: BenchContext, options: { stream: boolean }): HttpCall {
  const body = { model: CHAT_MODEL, stream: options.stream, messages: [{ role: 'user', content: 'Say something.' }] };
  return { url: `${ctx.bridge.ready.baseUrl}/v1/chat/completions`, headers: JSON_HEADERS, body: JSON.stringify(body) };
}

/**
 * Sends `chat` through the bridge once and returns exactly what the bridge sent upstream (headers and body) as a
 * direct call to the fake: the baseline then differs from the bridge path by the bridge alone.
 */
export async function directEquivalent(ctx: BenchContext, chat: HttpCall): Promise<HttpCall> {
  await timeFullRequest(chat);
  const recorded = await ctx.fake.call<RecordedCall | undefined>('lastResponsesRequest');
  if (!recorded) throw new Error('the fake recorded no Responses request from the bridge');
  const headers = Object.fromEntries(Object.entries(recorded.headers).filter(([name]) => !FRAMING_HEADERS.has(name)));
  return { url: `${ctx.fake.ready.baseUrl}/codex/responses`, headers, body: JSON.stringify(recorded.body) };
}

/** The same upstream call, relayed by a byte-forwarding floor proxy (the lean one unless named) instead. */
export function viaFloor(ctx: BenchContext, direct: HttpCall, floor: Child<ServerReady> = ctx.floor): HttpCall {
  return { ...direct, url: `${floor.ready.baseUrl}/codex/responses` };
}
