/**
 * The login inside auth.json, in the Codex CLI's format (auth_mode, OPENAI_API_KEY, tokens, last_refresh): written
 * after a sign-in, removed at sign-out. Fields this code does not own are kept, so a file shared with the Codex CLI
 * loses nothing else.
 */
import { readFile, rm } from 'node:fs/promises';
import { writeAuthFileAtomic } from './auth-file.js';
import { authLockPath, withFileLock } from './auth-lock.js';
import { isRecord } from './json-guards.js';
import { decodeJwtClaims } from './jwt.js';
import type { LoginTokens } from './sign-in/issuer-client.js';

const LOGIN_FIELDS = ['auth_mode', 'tokens', 'last_refresh'];

/**
 * Replaces the login in auth.json (atomic, 0600); the file is untouched if the write fails. Under the refresh lock, so
 * a bridge refreshing the old login at this moment cannot write it back over the new one.
 */
export function saveLogin(authPath: string, tokens: LoginTokens, now = new Date()): Promise<void> {
  return withFileLock(authLockPath(authPath), () => writeLogin(authPath, tokens, now));
}

async function writeLogin(authPath: string, tokens: LoginTokens, now: Date): Promise<void> {
  const existing = (await readRaw(authPath)) ?? {};
  const accountId = decodeJwtClaims(tokens.idToken)?.accountId ?? decodeJwtClaims(tokens.accessToken)?.accountId ?? null;
  await writeAuthFileAtomic(authPath, {
    auth_mode: 'chatgpt',
    OPENAI_API_KEY: existing.OPENAI_API_KEY ?? null,
    tokens: { id_token: tokens.idToken, access_token: tokens.accessToken, refresh_token: tokens.refreshToken, account_id: accountId },
    last_refresh: now.toISOString(),
    ...withoutLogin(existing),
  });
}

/**
 * Removes the ChatGPT login from auth.json. What else the file holds (an API key, fields of newer CLIs) stays; a
 * file with nothing else left is deleted, as `codex logout` does. Returns whether there was a file.
 */
export function removeLogin(authPath: string): Promise<boolean> {
  return withFileLock(authLockPath(authPath), () => deleteLogin(authPath));
}

async function deleteLogin(authPath: string): Promise<boolean> {
  const existing = await readRaw(authPath);
  if (existing === undefined) return false;
  const rest = withoutLogin(existing);
  if (Object.values(rest).some((value) => value !== null)) await writeAuthFileAtomic(authPath, rest);
  else await rm(authPath, { force: true });
  return true;
}

function withoutLogin(raw: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(raw).filter(([key]) => !LOGIN_FIELDS.includes(key)));
}

/** The parsed file; undefined when absent. A file that is not a JSON object is replaced as a whole. */
async function readRaw(authPath: string): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await readFile(authPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : {};
  } catch {
    return {};
  }
}
