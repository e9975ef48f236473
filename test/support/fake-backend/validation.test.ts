import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { classicBody, startHarness, userMessage, type Harness } from './test-helpers.js';

const LITE = { 'x-openai-internal-codex-responses-lite': 'true' };
const liteBody = (overrides: Record<string, unknown> = {}) =>
  classicBody({ model: 'gpt-6.2-sol', instructions: undefined, parallel_tool_calls: false, reasoning: { effort: 'low', context: 'all_turns' }, ...overrides });

const call = { type: 'function_call', name: 'exec_command', arguments: '{"cmd":"ls"}', call_id: 'call_1' };
const output = { type: 'function_call_output', call_id: 'call_1', output: 'ok' };

interface Case {
  name: string;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
  status: number;
  /** `detail` string, or the `error.message` of the OpenAI-style body. */
  message: string | RegExp;
}

const CASES: Case[] = [
  { name: 'stream false', body: classicBody({ stream: false }), status: 400, message: 'Stream must be set to true' },
  { name: 'stream missing', body: classicBody({ stream: undefined }), status: 400, message: 'Stream must be set to true' },
  { name: 'store true', body: classicBody({ store: true }), status: 400, message: 'Store must be set to false' },
  { name: 'store missing', body: classicBody({ store: undefined }), status: 400, message: 'Store must be set to false' },
  ...['max_output_tokens', 'max_completion_tokens', 'max_tokens', 'temperature', 'top_p', 'user', 'n', 'previous_response_id'].map(
    (param): Case => ({ name: param, body: classicBody({ [param]: 1 }), status: 400, message: `Unsupported parameter: ${param}` }),
  ),
  {
    name: 'unknown model',
    body: classicBody({ model: 'gpt-5.3-codex' }),
    status: 400,
    message: "The 'gpt-5.3-codex' model is not supported when using Codex with a ChatGPT account.",
  },
  { name: 'missing instructions (non-lite)', body: classicBody({ instructions: undefined }), status: 400, message: 'Instructions are required' },
  { name: 'blank instructions (non-lite)', body: classicBody({ instructions: '  ' }), status: 400, message: 'Instructions are required' },
  { name: 'lite model without the lite header', body: liteBody(), status: 400, message: /responses-lite/ },
  {
    name: 'lite model with top-level tools',
    body: liteBody({ tools: [] }),
    headers: LITE,
    status: 400,
    message: /Top-level tools are not supported/,
  },
  {
    name: 'system role',
    body: classicBody({ input: [{ type: 'message', role: 'system', content: [{ type: 'input_text', text: 'x' }] }] }),
    status: 400,
    message: /Invalid value: 'system'/,
  },
  {
    name: 'output_text in a user message',
    body: classicBody({ input: [{ type: 'message', role: 'user', content: [{ type: 'output_text', text: 'x' }] }] }),
    status: 400,
    message: "Invalid value: 'output_text'. Supported values are: 'input_text' and 'input_image'.",
  },
  {
    name: 'input_text in an assistant message',
    body: classicBody({ input: [userMessage('a'), { type: 'message', role: 'assistant', content: [{ type: 'input_text', text: 'x' }] }] }),
    status: 400,
    message: "Invalid value: 'input_text'. Supported values are: 'output_text' and 'refusal'.",
  },
  {
    name: 'image_url that is neither data: nor http(s)',
    body: classicBody({ input: [{ type: 'message', role: 'user', content: [{ type: 'input_image', image_url: 'file:///etc/passwd' }] }] }),
    status: 400,
    message: /Expected a base64-encoded data URL/,
  },
  {
    name: 'orphan function_call_output',
    body: classicBody({ input: [userMessage('a'), output] }),
    status: 400,
    message: 'No tool call found for function call output with call_id call_1.',
  },
  {
    name: 'orphan custom_tool_call_output',
    body: classicBody({ input: [userMessage('a'), { type: 'custom_tool_call_output', call_id: 'c9', output: 'x' }] }),
    status: 400,
    message: 'No tool call found for custom tool call output with call_id c9.',
  },
  {
    name: 'function_call without its output',
    body: classicBody({ input: [userMessage('a'), call] }),
    status: 400,
    message: 'No tool output found for function call call_1.',
  },
  {
    name: 'chat-completions style tool',
    body: classicBody({ tools: [{ type: 'function', function: { name: 'f', parameters: {} } }] }),
    status: 400,
    message: "Missing required parameter: 'tools[0].name'.",
  },
  {
    name: 'reasoning item with a foreign encrypted_content',
    body: classicBody({ input: [userMessage('a'), { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'gAAAABforged' }] }),
    status: 400,
    message: 'The encrypted content for item rs_1 could not be verified.',
  },
  {
    name: 'effort the model does not support',
    body: classicBody({ reasoning: { effort: 'ultra' } }),
    status: 400,
    message: /does not support 'ultra' with the 'gpt-5.5' model/,
  },
  { name: 'unknown service tier', body: classicBody({ service_tier: 'flex' }), status: 400, message: /service_tier/ },
  {
    name: 'id-only item reference',
    body: classicBody({ input: [userMessage('a'), { type: 'item_reference', id: 'rs_abc' }] }),
    status: 404,
    message: /^Item with id 'rs_abc' not found\. Items are not persisted when `store` is set to false/,
  },
];

describe('POST /codex/responses validation', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.backend.close());
  beforeEach(() => h.backend.reset());

  it.each(CASES)('rejects $name', async ({ body, headers, status, message }) => {
    h.backend.enqueue({ kind: 'text', text: 'must stay queued' });
    const answer = await h.postResponses(body, headers);
    expect(answer.status).toBe(status);
    expect(answer.headers['content-type']).toBe('application/json');
    const parsed = JSON.parse(answer.text) as { detail?: string; error?: { message: string } };
    expect(parsed.detail ?? parsed.error?.message).toMatch(typeof message === 'string' ? new RegExp(`^${escape(message)}$`) : message);
    // A rejected request does not consume the scripted step.
    const next = await h.postResponses(classicBody());
    expect(next.text).toContain('must stay queued');
  });

  it('accepts the shapes a careful bridge sends', async () => {
    const image = 'data:image/png;base64,iVBORw0KGgo=';
    const accepted = [
      classicBody({ input: [{ type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'p' }] }, userMessage('x')], instructions: undefined }),
      classicBody({ input: [userMessage('x'), call, output, { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'done' }] }] }),
      classicBody({ input: [{ role: 'user', content: 'plain string content' }] }),
      classicBody({
        input: [{ type: 'message', role: 'user', content: [{ type: 'input_image', image_url: image }, { type: 'input_image', image_url: 'https://example.com/a.png', detail: 'high' }] }],
      }),
      classicBody({
        service_tier: 'priority',
        prompt_cache_key: 'k',
        text: { verbosity: 'low', format: { type: 'json_schema', strict: true, schema: { type: 'object' }, name: 'x' } },
        client_metadata: { session_id: 's' },
        stream_options: { reasoning_summary_delivery: 'sequential_cutoff' },
        tools: [{ type: 'function', name: 'f', description: 'd', strict: false, parameters: { type: 'object', properties: {} } }],
      }),
      liteBody({ input: [{ type: 'additional_tools', role: 'developer', tools: [] }, userMessage('x')] }),
    ];
    for (const body of accepted) {
      const answer = await h.postResponses(body, body.model === 'gpt-6.2-sol' ? LITE : {});
      expect(answer.status, `${answer.text} for ${JSON.stringify(body).slice(0, 200)}`).toBe(200);
    }
  });

  it('accepts a reasoning item it minted, replayed verbatim', async () => {
    const first = await h.postResponses(classicBody());
    const reasoning = first.text
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => JSON.parse(line.slice(6)) as { type: string; item?: { type: string } })
      .find((e) => e.type === 'response.output_item.done' && e.item?.type === 'reasoning')!.item;
    const again = await h.postResponses(classicBody({ input: [userMessage('a'), reasoning, userMessage('b')] }));
    expect(again.status, again.text).toBe(200);
  });

  it('rejects models outside the token plan like unknown ones', async () => {
    const freeAuth = h.backend.tokens.mintAuthJson({ plan: 'free' });
    const answer = await h.postResponses(liteBody(), { ...LITE, authorization: `Bearer ${freeAuth.tokens.access_token}` });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toEqual({
      detail: "The 'gpt-6.2-sol' model is not supported when using Codex with a ChatGPT account.",
    });
  });
});

describe('backend authentication', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.backend.close());

  it('401s without a token, with a foreign token, and flags expired tokens in x-error-json', async () => {
    for (const authorization of [undefined, 'Bearer nope', `Bearer ${h.auth.tokens.id_token}`]) {
      const answer = await h.postResponses(classicBody(), { authorization });
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.text)).toEqual({ detail: 'Unauthorized' });
      expect(answer.headers['x-error-json']).toBeUndefined();
    }
    const expired = h.backend.tokens.mintAuthJson({ expiresInSec: -5 });
    const answer = await h.postResponses(classicBody(), { authorization: `Bearer ${expired.tokens.access_token}` });
    expect(answer.status).toBe(401);
    expect(JSON.parse(Buffer.from(answer.headers['x-error-json']!, 'base64').toString())).toEqual({ error: { code: 'token_expired' } });
  });

  it('403s when ChatGPT-Account-ID is missing or belongs to another account', async () => {
    for (const account of [undefined, 'acct-other']) {
      const answer = await h.postResponses(classicBody(), { 'chatgpt-account-id': account });
      expect(answer.status).toBe(403);
    }
  });

  it('can be told not to require the account header', async () => {
    const relaxed = await startHarness({ requireAccountHeader: false });
    try {
      const answer = await relaxed.postResponses(classicBody(), { 'chatgpt-account-id': undefined });
      expect(answer.status).toBe(200);
    } finally {
      await relaxed.backend.close();
    }
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
