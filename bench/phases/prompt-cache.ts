/**
 * An agent-style conversation through the bridge with the official openai SDK: every turn the model calls a tool,
 * and the client appends that call, the tool's result and a new user message. With the fake emulating the
 * backend's prefix cache per prompt_cache_key, a stable prompt (same key, unchanged prefix) is mostly cached.
 */
import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { CHAT_MODEL, type BenchContext } from '../bench-context.js';
import type { Figure } from '../report.js';

const TURNS = 10;

export async function promptCache(ctx: BenchContext): Promise<Figure[]> {
  const client = new OpenAI({ baseURL: `${ctx.bridge.ready.baseUrl}/v1`, apiKey: 'bench', maxRetries: 0 });
  // A fresh cache memory, so the first turn is a true miss.
  await ctx.fake.call('reset');
  const messages: ChatCompletionMessageParam[] = [
    { role: 'system', content: agentSystemPrompt() },
    { role: 'user', content: 'Find why the build fails and fix it.' },
  ];
  const ratios: number[] = [];
  for (let turn = 1; turn <= TURNS; turn++) {
    const callId = `call_bench_${turn}`;
    await ctx.fake.call('enqueue', [
      { kind: 'tool_calls', calls: [{ name: 'read_file', arguments: JSON.stringify({ path: `src/module-${turn}.ts` }), callId }] },
    ]);
    const completion = await client.chat.completions.create({ model: CHAT_MODEL, messages, tools: TOOLS });
    const usage = completion.usage;
    if (!usage) throw new Error(`turn ${turn}: the bridge reported no usage`);
    ratios.push((usage.prompt_tokens_details?.cached_tokens ?? 0) / usage.prompt_tokens);
    const message = completion.choices[0]!.message;
    messages.push(
      { role: 'assistant', content: message.content, tool_calls: message.tool_calls ?? [] },
      { role: 'tool', tool_call_id: callId, content: fileContents(turn) },
      { role: 'user', content: `Good. Now check the next module (step ${turn + 1}).` },
    );
  }
  const fromTurn2 = ratios.slice(1);
  return [
    {
      section: 'prompt cache',
      name: 'cached share of input, worst turn ≥ 2',
      value: Math.min(...fromTurn2) * 100,
      unit: '%',
      target: { min: 90 },
      detail: `per turn: ${ratios.map((r) => (r * 100).toFixed(0)).join(' ')} %`,
      key: 'cached',
    },
  ];
}

const TOOLS: ChatCompletionTool[] = ['read_file', 'write_file', 'run_terminal_cmd', 'grep_search', 'list_dir', 'edit_file'].map((name) => ({
  type: 'function',
  function: {
    name,
    description: `${name.replaceAll('_', ' ')} in the user's workspace. Use it whenever the task needs it; explain why before calling.`,
    parameters: {
      type: 'object',
      properties: { path: { type: 'string', description: 'Workspace-relative path.' }, text: { type: 'string' } },
      required: ['path'],
    },
  },
}));

/** About 5k tokens, the order of size of a coding agent's system prompt. */
function agentSystemPrompt(): string {
  const rules = Array.from(
    { length: 120 },
    (_, i) => `${i + 1}. When working on the user's code, keep changes minimal, explain them, and verify them with the tools (rule ${i + 1}).`,
  );
  return ['You are a coding agent working in the user\'s repository.', ...rules].join('\n');
}

function fileContents(turn: number): string {
  return Array.from({ length: 12 }, (_, line) => `export const value${turn}_${line} = compute(${line}, 'module-${turn}');`).join('\n');
}
