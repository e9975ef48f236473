import { execFile } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/bridge-harness.js';

/** The real Claude Code CLI from @anthropic-ai/claude-code (a native binary). */
const CLAUDE = fileURLToPath(new URL('../../node_modules/.bin/claude', import.meta.url));

let h: Harness;
beforeAll(async () => {
  // Reasoning summaries on: Claude Code asks for thinking, so it also receives the summaries as thinking blocks.
  h = await startHarness({ bridge: { requireToken: true }, settings: { reasoningSummaries: true } });
});
afterAll(async () => {
  await h.close();
});

interface StreamLine {
  type: string;
  subtype?: string;
  is_error?: boolean;
  result?: string;
  message?: { content?: Array<{ type: string; name?: string; thinking?: string }> };
}

function runClaude(prompt: string, home: string, cwd: string): Promise<{ code: number; lines: StreamLine[]; stderr: string }> {
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    CLAUDE_CONFIG_DIR: path.join(home, '.claude'),
    ANTHROPIC_BASE_URL: h.bridge.baseUrl,
    ANTHROPIC_AUTH_TOKEN: h.bridge.bridgeToken,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  };
  const args = ['-p', prompt, '--output-format', 'stream-json', '--verbose', '--permission-mode', 'acceptEdits'];
  return new Promise((resolve) => {
    execFile(CLAUDE, args, { cwd, env, timeout: 90_000 }, (error, stdout, stderr) => {
      const lines = stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as StreamLine);
      resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, lines, stderr });
    });
  });
}

describe('the real Claude Code CLI through the bridge', () => {
  it('completes a task that needs a tool call: the model (the fake backend) calls Write, Claude Code writes the file', async () => {
    const home = path.join(h.dir, 'claude-home');
    const cwd = path.join(h.dir, 'project');
    await mkdir(home, { recursive: true });
    await mkdir(cwd, { recursive: true });
    const file = path.join(cwd, 'hello.txt');
    // Turn 1: the model answers with a call of Claude Code's own Write tool; turn 2 (after the tool_result): text.
    h.fake.enqueue(
      { kind: 'tool_calls', text: 'Writing the file.', reasoningSummary: 'The user wants a file; use Write.', calls: [{ name: 'Write', arguments: JSON.stringify({ file_path: file, content: 'hello from the bridge\n' }) }] },
      { kind: 'text', text: 'Wrote hello.txt.' },
    );

    const run = await runClaude('Create hello.txt containing "hello from the bridge".', home, cwd);

    expect(run.code, run.stderr).toBe(0);
    expect(await readFile(file, 'utf8')).toBe('hello from the bridge\n');
    const result = run.lines.find((line) => line.type === 'result');
    expect(result).toMatchObject({ subtype: 'success', is_error: false, result: 'Wrote hello.txt.' });
    const toolUse = run.lines.flatMap((line) => (line.type === 'assistant' ? (line.message?.content ?? []) : [])).find((block) => block.type === 'tool_use');
    expect(toolUse?.name).toBe('Write');
    const thinking = run.lines.flatMap((line) => (line.type === 'assistant' ? (line.message?.content ?? []) : [])).find((block) => block.type === 'thinking');
    expect(thinking).toMatchObject({ thinking: 'The user wants a file; use Write.' });

    // What Claude Code sent went through /v1/messages, and the second turn carried the tool result back upstream.
    const upstream = h.fake.responsesRequests().map((r) => r.body as { input: Array<{ type?: string; role?: string; name?: string }>; prompt_cache_key: string; tools?: Array<{ name?: string }> });
    expect(upstream.length).toBeGreaterThanOrEqual(2);
    const last = upstream.at(-1)!;
    expect(last.input.some((item) => item.type === 'function_call' && item.name === 'Write')).toBe(true);
    expect(last.input.some((item) => item.type === 'function_call_output')).toBe(true);
    expect(last.input.some((item) => item.role === 'system')).toBe(false);
    expect(upstream.at(-2)!.prompt_cache_key).toBe(last.prompt_cache_key);
    const rows = h.bridge.log.recent().filter((entry) => entry.path === '/v1/messages');
    expect(rows.every((entry) => entry.status === 200 && entry.model === 'bridge-pro-high')).toBe(true);
    // Turn 2 repeats turn 1's prompt as its prefix: the session's stable cache key makes it a cache hit.
    const turn2 = rows.at(-1)!;
    expect((turn2.cachedTokens ?? 0) / (turn2.promptTokens ?? 1)).toBeGreaterThanOrEqual(0.9);
  }, 120_000);
});
