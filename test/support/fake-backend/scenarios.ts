/**
 * Turns one FakeStep (or the default echo reply) into the HTTP answer of one POST /codex/responses.
 * Streams follow the real event order (spec §5.3): created → in_progress → [reasoning item] → [message item] →
 * [tool call items] → completed, with `response.completed.output` left empty as the real backend often does.
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { mintEncryptedContent } from './reasoning-blob.js';
import { SseWriter, abortableSleep } from './sse-writer.js';
import type { FakeStep, FakeToolCall, UsageOverride } from './types.js';
import { buildUsage } from './usage.js';

export interface TurnContext {
  res: ServerResponse;
  /** Aborted when the client disconnects or the fake closes. */
  signal: AbortSignal;
  model: string;
  /** The validated request body (for the default echo reply). */
  body: Record<string, unknown>;
  inputTokens: number;
  cachedTokens: number;
  defaultIntervalMs: number;
  /** Secret for reasoning `encrypted_content` blobs. */
  secret: string;
  /** Headers of a 200 event stream (rate limits, ids, content-type). */
  successHeaders: Record<string, string>;
  /** Headers of any error answer (request id). */
  errorHeaders: Record<string, string>;
  /** Status, headers and body of a usage-limit 429. */
  usageLimit(planType: string | undefined, resetsInSeconds: number): { headers: Record<string, string>; body: unknown };
}

type Interruption = { kind: 'cut' } | { kind: 'failed'; code: string; message: string } | { kind: 'incomplete'; reason: string };

interface TurnScript {
  reasoning?: string;
  message?: { deltas: string[]; phase: 'commentary' | 'final_answer' };
  calls?: FakeToolCall[];
  intervalMs: number;
  usage?: UsageOverride;
  /** End the turn this way after `afterDeltas` message deltas instead of completing it. */
  interrupt?: { afterDeltas: number; end: Interruption };
}

const DEFAULT_REASONING = '**Echoing the request**\n\nThe fake backend repeats the last user message.';
const DEFAULT_USAGE_LIMIT_RESET_SEC = 3600;

export async function playStep(step: FakeStep | undefined, ctx: TurnContext): Promise<void> {
  if (!step) return streamTurn(defaultScript(ctx), ctx);
  switch (step.kind) {
    case 'text': {
      const deltas = step.deltas ?? wordDeltas(step.text ?? defaultReplyText(ctx.body));
      return streamTurn(
        {
          reasoning: step.reasoningSummary,
          message: { deltas, phase: 'final_answer' },
          intervalMs: step.intervalMs ?? ctx.defaultIntervalMs,
          usage: step.usage,
        },
        ctx,
      );
    }
    case 'tool_calls':
      return streamTurn(
        {
          reasoning: step.reasoningSummary,
          message: step.text === undefined ? undefined : { deltas: wordDeltas(step.text), phase: 'commentary' },
          calls: step.calls,
          intervalMs: ctx.defaultIntervalMs,
          usage: step.usage,
        },
        ctx,
      );
    case 'paced':
      return streamTurn(
        {
          message: { deltas: Array.from({ length: step.deltas }, (_, i) => `t${i} `), phase: 'final_answer' },
          intervalMs: step.intervalMs,
        },
        ctx,
      );
    case 'cut':
      return streamTurn(interrupted(step.afterDeltas, { kind: 'cut' }, ctx), ctx);
    case 'failed':
      return streamTurn(interrupted(step.afterDeltas ?? 0, { kind: 'failed', code: step.code, message: step.message }, ctx), ctx);
    case 'incomplete':
      return streamTurn(interrupted(step.afterDeltas ?? 0, { kind: 'incomplete', reason: step.reason }, ctx), ctx);
    case 'stall':
      if (step.afterHeaders) writeStreamHead(ctx);
      await abortableSleep(step.ms, ctx.signal);
      return streamTurn(defaultScript(ctx), ctx);
    case 'endless_event':
      return streamEndlessEvent(step.bytes, ctx);
    case 'http_error':
      return sendError(ctx, step.status, step.body, step.headers);
    case 'usage_limit': {
      const limit = ctx.usageLimit(step.planType, step.resetsInSeconds ?? DEFAULT_USAGE_LIMIT_RESET_SEC);
      return sendError(ctx, 429, limit.body, limit.headers);
    }
    case 'unauthorized':
      return sendError(ctx, 401, { detail: 'Unauthorized' });
  }
}

/** `Hello from the fake backend. You said: <last user text>` (+ ` [n image(s)]`), with a short reasoning summary. */
export function defaultReplyText(body: Record<string, unknown>): string {
  const input = Array.isArray(body.input) ? (body.input as unknown[]) : [];
  const lastUser = input.findLast(
    (item): item is Record<string, unknown> => isRecord(item) && item.role === 'user' && (item.type ?? 'message') === 'message',
  );
  const parts = typeof lastUser?.content === 'string' ? [{ type: 'input_text', text: lastUser.content }] : lastUser?.content;
  const list = Array.isArray(parts) ? parts.filter(isRecord) : [];
  const said = list.flatMap((p) => (p.type === 'input_text' && typeof p.text === 'string' ? [p.text] : [])).join('\n');
  const images = list.filter((p) => p.type === 'input_image').length;
  return `Hello from the fake backend. You said: ${said}${images > 0 ? ` [${images} image(s)]` : ''}`;
}

function defaultScript(ctx: TurnContext): TurnScript {
  return {
    reasoning: DEFAULT_REASONING,
    message: { deltas: wordDeltas(defaultReplyText(ctx.body)), phase: 'final_answer' },
    intervalMs: ctx.defaultIntervalMs,
  };
}

function interrupted(afterDeltas: number, end: Interruption, ctx: TurnContext): TurnScript {
  return {
    message: { deltas: Array.from({ length: afterDeltas }, (_, i) => `partial${i} `), phase: 'final_answer' },
    intervalMs: ctx.defaultIntervalMs,
    interrupt: { afterDeltas, end },
  };
}

async function streamTurn(script: TurnScript, ctx: TurnContext): Promise<void> {
  writeStreamHead(ctx);
  const w = new SseWriter(ctx.res, ctx.signal);
  const response = {
    id: newId('resp'),
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    model: ctx.model,
  };
  await w.send('response.created', { response: { ...response, status: 'in_progress', output: [], usage: null } });
  await w.send('response.in_progress', { response: { ...response, status: 'in_progress', output: [], usage: null } });

  let outputIndex = 0;
  if (script.reasoning !== undefined) await streamReasoning(w, outputIndex++, script.reasoning, script.intervalMs, ctx.secret);

  const interrupt = script.interrupt;
  if (interrupt) {
    if (interrupt.afterDeltas > 0 && script.message) {
      await streamMessage(w, outputIndex, script.message, script.intervalMs, interrupt.end);
    }
    return finishInterrupted(w, response, interrupt.end, ctx);
  }

  if (script.message) await streamMessage(w, outputIndex++, script.message, script.intervalMs);
  for (const call of script.calls ?? []) await streamToolCall(w, outputIndex++, call, script.intervalMs);

  const visibleChars =
    (script.message?.deltas.join('').length ?? 0) + (script.calls ?? []).reduce((n, c) => n + c.arguments.length, 0);
  const usage = buildUsage(
    { inputTokens: ctx.inputTokens, cachedTokens: ctx.cachedTokens },
    { visibleChars, reasoningChars: script.reasoning?.length ?? 0 },
    script.usage,
  );
  await w.send('response.completed', { response: { ...response, status: 'completed', output: [], usage } });
  w.end();
}

async function finishInterrupted(
  w: SseWriter,
  response: Record<string, unknown>,
  end: Interruption,
  ctx: TurnContext,
): Promise<void> {
  if (end.kind === 'cut') return w.cut();
  if (end.kind === 'failed') {
    await w.send('response.failed', {
      response: { ...response, status: 'failed', error: { code: end.code, message: end.message }, output: [], usage: null },
    });
  } else {
    const usage = buildUsage({ inputTokens: ctx.inputTokens, cachedTokens: ctx.cachedTokens }, { visibleChars: 0, reasoningChars: 0 });
    await w.send('response.incomplete', {
      response: { ...response, status: 'incomplete', incomplete_details: { reason: end.reason }, output: [], usage },
    });
  }
  w.end();
}

async function streamReasoning(w: SseWriter, outputIndex: number, summary: string, intervalMs: number, secret: string) {
  const id = newId('rs');
  const at = { item_id: id, output_index: outputIndex, summary_index: 0 };
  await w.send('response.output_item.added', { output_index: outputIndex, item: { id, type: 'reasoning', summary: [] } });
  await w.send('response.reasoning_summary_part.added', { ...at, part: { type: 'summary_text', text: '' } });
  for (const delta of chunk(summary, 3)) {
    await w.pause(intervalMs);
    await w.send('response.reasoning_summary_text.delta', { ...at, delta });
  }
  await w.send('response.reasoning_summary_text.done', { ...at, text: summary });
  await w.send('response.reasoning_summary_part.done', { ...at, part: { type: 'summary_text', text: summary } });
  await w.send('response.output_item.done', {
    output_index: outputIndex,
    item: { id, type: 'reasoning', summary: [{ type: 'summary_text', text: summary }], encrypted_content: mintEncryptedContent(secret) },
  });
}

/** Streams a message; with `interruptedBy` it stops after the deltas (closing the item only for `incomplete`). */
async function streamMessage(
  w: SseWriter,
  outputIndex: number,
  message: NonNullable<TurnScript['message']>,
  intervalMs: number,
  interruptedBy?: Interruption,
) {
  const id = newId('msg');
  const at = { item_id: id, output_index: outputIndex, content_index: 0 };
  const item = { id, type: 'message', role: 'assistant', phase: message.phase };
  await w.send('response.output_item.added', { output_index: outputIndex, item: { ...item, status: 'in_progress', content: [] } });
  await w.send('response.content_part.added', { ...at, part: { type: 'output_text', text: '', annotations: [] } });
  for (const delta of message.deltas) {
    await w.pause(intervalMs);
    await w.send('response.output_text.delta', { ...at, delta, logprobs: [] });
  }
  const text = message.deltas.join('');
  const part = { type: 'output_text', text, annotations: [], logprobs: [] };
  if (interruptedBy && interruptedBy.kind !== 'incomplete') return;
  const status = interruptedBy ? 'incomplete' : 'completed';
  await w.send('response.output_text.done', { ...at, text, logprobs: [] });
  await w.send('response.content_part.done', { ...at, part });
  await w.send('response.output_item.done', { output_index: outputIndex, item: { ...item, status, content: [part] } });
}

async function streamToolCall(w: SseWriter, outputIndex: number, call: FakeToolCall, intervalMs: number) {
  const callId = call.callId ?? newId('call');
  const custom = call.custom === true;
  const id = newId(custom ? 'ctc' : 'fc');
  const payloadKey = custom ? 'input' : 'arguments';
  const eventPrefix = custom ? 'response.custom_tool_call_input' : 'response.function_call_arguments';
  const item = { id, type: custom ? 'custom_tool_call' : 'function_call', call_id: callId, name: call.name };
  const at = { item_id: id, output_index: outputIndex };
  await w.send('response.output_item.added', { output_index: outputIndex, item: { ...item, status: 'in_progress', [payloadKey]: '' } });
  for (const delta of chunk(call.arguments, 3)) {
    await w.pause(intervalMs);
    await w.send(`${eventPrefix}.delta`, { ...at, delta });
  }
  await w.send(`${eventPrefix}.done`, { ...at, [payloadKey]: call.arguments });
  await w.send('response.output_item.done', {
    output_index: outputIndex,
    item: { ...item, status: 'completed', [payloadKey]: call.arguments },
  });
}

/** Writes one event line that never ends, honouring backpressure, until `bytes` are out or the client is gone. */
async function streamEndlessEvent(bytes: number, ctx: TurnContext): Promise<void> {
  writeStreamHead(ctx);
  const piece = Buffer.alloc(64 * 1024, 'x');
  const write = (data: string | Buffer): Promise<void> =>
    new Promise((resolve) => {
      if (ctx.res.write(data)) return resolve();
      const done = (): void => {
        ctx.res.off('drain', done);
        ctx.res.off('close', done);
        resolve();
      };
      ctx.res.on('drain', done);
      ctx.res.on('close', done);
    });
  await write('event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"');
  for (let sent = 0; sent < bytes && !ctx.signal.aborted && !ctx.res.destroyed; sent += piece.length) await write(piece);
  if (!ctx.res.destroyed) ctx.res.end();
}

/** Sends the status line and headers right away (Node would otherwise hold them until the first event). */
function writeStreamHead(ctx: TurnContext): void {
  if (ctx.res.headersSent) return;
  ctx.res.writeHead(200, ctx.successHeaders);
  ctx.res.flushHeaders();
}

function sendError(ctx: TurnContext, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  ctx.res.writeHead(status, { 'content-type': 'application/json', ...ctx.errorHeaders, ...headers });
  ctx.res.end(text);
}

/** Word-sized deltas that keep their trailing whitespace, like real token streams. */
function wordDeltas(text: string): string[] {
  const words = text.match(/\s*\S+\s*/g);
  return words && words.length > 0 ? words : [text];
}

/** `text` in at most `pieces` consecutive parts (empty text → no parts). */
function chunk(text: string, pieces: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / pieces));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
