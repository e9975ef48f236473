import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { startHarness, type Harness } from '../support/bridge-harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const ask = (harness: Harness, text = 'hi') => harness.client.chat.completions.create({ model: 'bridge-fast', messages: [{ role: 'user', content: text }] });

describe('token refresh through the running bridge', () => {
  it('refreshes proactively when the access token expires within 5 minutes, with the request the CLI sends', async () => {
    h = await startHarness({ expiresInSec: 120 });
    const before = JSON.parse(await readFile(h.authPath, 'utf8')) as { tokens: Record<string, string>; last_refresh: string };
    await ask(h);
    const refreshes = h.fake.tokens.refreshRequests;
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0]).toEqual({
      client_id: 'app_EMoamEEZ73f0CkXaXp7hrann',
      grant_type: 'refresh_token',
      refresh_reason: 'proactive_expiry',
      refresh_token: before.tokens.refresh_token,
    });
    const after = JSON.parse(await readFile(h.authPath, 'utf8')) as { tokens: Record<string, string>; last_refresh: string };
    expect(after.tokens.access_token).not.toBe(before.tokens.access_token);
    expect(after.tokens.account_id).toBe(before.tokens.account_id);
    expect(after.last_refresh > before.last_refresh).toBe(true);
    expect((await stat(h.authPath)).mode & 0o777).toBe(0o600);
    const upstreamAuth = h.fake.responsesRequests().at(-1)!.headers.authorization;
    expect(upstreamAuth).toBe(`Bearer ${after.tokens.access_token}`);
    // The very next request already uses the new token (no stale cached view of auth.json).
    await ask(h, 'again');
    expect(h.fake.responsesRequests().at(-1)!.headers.authorization).toBe(`Bearer ${after.tokens.access_token}`);
    expect(h.fake.tokens.refreshRequests).toHaveLength(1);
  });

  it('does not refresh a token valid for more than 5 minutes', async () => {
    h = await startHarness({ expiresInSec: 3600 });
    await ask(h);
    expect(h.fake.tokens.refreshRequests).toHaveLength(0);
  });

  it('recovers from a 401 by refreshing once and re-sending', async () => {
    h = await startHarness();
    h.fake.enqueue({ kind: 'unauthorized' });
    const completion = await ask(h, 'after 401');
    expect(completion.choices[0]!.message.content).toContain('after 401');
    expect(h.fake.tokens.refreshRequests.map((r) => (r as { refresh_reason: string }).refresh_reason)).toEqual(['unauthorized_recovery']);
  });

  it('coalesces the refresh needs of 20 concurrent requests into one token request', async () => {
    h = await startHarness({ expiresInSec: 60 });
    h.fake.tokens.refreshDelayMs = 150;
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => ask(h!, `req ${i}`)));
    expect(answers.map((a) => a.choices[0]!.message.content)).toEqual(Array.from({ length: 20 }, (_, i) => `Hello from the fake backend. You said: req ${i}`));
    expect(h.fake.tokens.refreshRequests).toHaveLength(1);
    const tokens = new Set(h.fake.responsesRequests().map((r) => r.headers.authorization));
    expect(tokens.size).toBe(1);
  });

  it('answers 401 telling the user to sign in again when the refresh token was already used', async () => {
    h = await startHarness({ expiresInSec: -10 });
    h.fake.tokens.failNextRefresh('refresh_token_reused', 5);
    const error = await ask(h).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as Error).message).toContain('codex-cursor-bridge login');
    // The refused refresh token is not spent again: the next request is refused the same way, without a new refresh.
    expect(await ask(h).catch((e: unknown) => e)).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(h.fake.tokens.refreshRequests).toHaveLength(1);
  });
});

describe('a crash in the middle of a refresh', () => {
  /** What the killed bridge had done: spent the refresh token at the token endpoint, written the new login to a temp file. */
  async function interruptedRefresh(harness: Harness, complete: boolean): Promise<{ temp: string; refreshToken: string }> {
    const before = JSON.parse(await readFile(harness.authPath, 'utf8')) as { tokens: Record<string, string> };
    const answer = await request(harness.fake.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: 'app_EMoamEEZ73f0CkXaXp7hrann', grant_type: 'refresh_token', refresh_token: before.tokens.refresh_token }),
    });
    const rotated = (await answer.body.json()) as Record<string, string>;
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    const temp = path.join(path.dirname(harness.authPath), `.auth-${dead}.${'ab12cd34ef56'}.tmp`);
    const text = JSON.stringify({ ...before, tokens: { ...before.tokens, ...rotated }, last_refresh: new Date().toISOString() }, null, 2);
    await utimes(harness.authPath, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    await writeFile(temp, complete ? text : text.slice(0, text.length / 2), { mode: 0o600 });
    return { temp, refreshToken: rotated.refresh_token! };
  }

  it('adopts the complete, newer temp file the killed bridge left, before spending the stored (already used) token', async () => {
    h = await startHarness({ expiresInSec: -10 });
    const { temp, refreshToken } = await interruptedRefresh(h, true);
    const completion = await ask(h, 'after the crash');
    expect(completion.choices[0]!.message.content).toContain('after the crash');
    const after = JSON.parse(await readFile(h.authPath, 'utf8')) as { tokens: Record<string, string> };
    expect(after.tokens.refresh_token).toBe(refreshToken);
    expect(existsSync(temp)).toBe(false);
    // Only the killed bridge's refresh reached the token endpoint: nothing spent the old token a second time.
    expect(h.fake.tokens.refreshRequests).toHaveLength(1);
    expect((await h.bridge.auth.describe()).message).toMatch(/recovered from a refresh interrupted by a crash/);
  });

  it('an incomplete temp file is removed and the 401 says the interrupted refresh spent the token', async () => {
    h = await startHarness({ expiresInSec: -10 });
    const { temp } = await interruptedRefresh(h, false);
    const error = await ask(h).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as Error).message).toMatch(/interrupted \(a crash or kill\) before the new tokens were completely saved/);
    expect(existsSync(temp)).toBe(false);
  });
});
