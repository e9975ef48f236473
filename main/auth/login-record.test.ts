import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { FakeTokenAuthority } from '../../test/support/fake-backend/tokens.js';
import { readAuthFile } from './auth-file.js';
import { authLockPath, withFileLock } from './auth-lock.js';
import { removeLogin, saveLogin } from './login-record.js';

let dir: string;
let authPath: string;
const issuer = new FakeTokenAuthority({ accountId: 'acct-777' });
const fresh = () => {
  const t = issuer.issueLoginTokens();
  return { idToken: t.id_token, accessToken: t.access_token, refreshToken: t.refresh_token };
};

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'login-record-'));
  authPath = path.join(dir, 'codex', 'auth.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('writes a new login in the Codex CLI format: 0600, account id from the id token, readable by the bridge', async () => {
  const tokens = fresh();
  await saveLogin(authPath, tokens, new Date('2026-12-03T10:00:00.000Z'));
  const text = readFileSync(authPath, 'utf8');
  expect(JSON.parse(text)).toEqual({
    auth_mode: 'chatgpt',
    OPENAI_API_KEY: null,
    tokens: { id_token: tokens.idToken, access_token: tokens.accessToken, refresh_token: tokens.refreshToken, account_id: 'acct-777' },
    last_refresh: '2026-12-03T10:00:00.000Z',
  });
  expect(text).toBe(JSON.stringify(JSON.parse(text), null, 2));
  expect(statSync(authPath).mode & 0o777).toBe(0o600);
  expect((await readAuthFile(authPath)).kind).toBe('chatgpt');
});

it('replaces an old login but keeps the API key and fields it does not know', async () => {
  await saveLogin(authPath, fresh());
  const old = JSON.parse(readFileSync(authPath, 'utf8'));
  writeFileSync(authPath, JSON.stringify({ ...old, OPENAI_API_KEY: 'sk-kept', future_field: [1] }));
  const next = fresh();
  await saveLogin(authPath, next);
  const saved = JSON.parse(readFileSync(authPath, 'utf8'));
  expect(saved).toMatchObject({ OPENAI_API_KEY: 'sk-kept', future_field: [1], tokens: { refresh_token: next.refreshToken } });
  expect(Object.keys(saved)).toEqual(['auth_mode', 'OPENAI_API_KEY', 'tokens', 'last_refresh', 'future_field']);

  expect(await removeLogin(authPath)).toBe(true);
  expect(JSON.parse(readFileSync(authPath, 'utf8'))).toEqual({ OPENAI_API_KEY: 'sk-kept', future_field: [1] });
  expect(statSync(authPath).mode & 0o777).toBe(0o600);
});

it('removing the only login deletes the file; no file is nothing to remove', async () => {
  await saveLogin(authPath, fresh());
  expect(await removeLogin(authPath)).toBe(true);
  expect(() => statSync(authPath)).toThrow();
  expect(await removeLogin(authPath)).toBe(false);
});

it('waits for a refresh holding the auth.json lock, so the refresh cannot write the old login over the new one', async () => {
  await saveLogin(authPath, fresh());
  let release: (() => void) | undefined;
  const refreshing = withFileLock(authLockPath(authPath), () => new Promise<void>((resolve) => (release = resolve)));
  // The refresh holds the lock once its work has started.
  while (release === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
  const next = fresh();
  let saved = false;
  const saving = saveLogin(authPath, next).then(() => (saved = true));
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(saved).toBe(false);
  release!();
  await Promise.all([refreshing, saving]);
  expect(JSON.parse(readFileSync(authPath, 'utf8')).tokens.refresh_token).toBe(next.refreshToken);
});
