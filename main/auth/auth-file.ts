/**
 * The Codex CLI's auth.json: read it cheaply on every request, tell apart the ways it can be unusable, and write it
 * back the way the CLI does (temp file in the same folder + rename, mode 0600, 2-space JSON, no trailing newline).
 */
import { open, stat } from 'node:fs/promises';
import type { BigIntStats } from 'node:fs';
import { ApiError } from '../errors/api-error.js';
import { rememberSecret } from '../errors/redact-secrets.js';
import { writeFileAtomic } from '../fs/atomic-file.js';
import { isRecord, nonEmptyString } from './json-guards.js';

export interface AuthTokens {
  idToken: string | undefined;
  accessToken: string;
  refreshToken: string;
  /** What the CLI sends as ChatGPT-Account-ID; set at login, never changed by a refresh. */
  accountId: string | null;
}

export interface AuthFile {
  tokens: AuthTokens;
  /** RFC 3339 text as stored. */
  lastRefresh: string | undefined;
  /** The parsed JSON as read, so a rewrite keeps every field and the key order. */
  raw: Record<string, unknown>;
}

/**
 * One observation of auth.json. `stamp` identifies the file version (device, inode, size, mtime, ctime): equal
 * stamps mean the same contents, which is what makes re-reading on every request cost one stat.
 */
export type AuthSnapshot =
  | { kind: 'chatgpt'; stamp: string; file: AuthFile }
  | { kind: 'api-key-only'; stamp: string }
  | { kind: 'unreadable'; stamp: string; reason: string }
  | { kind: 'missing'; stamp: 'missing' };

type Classified =
  | { kind: 'chatgpt'; file: AuthFile }
  | { kind: 'api-key-only' }
  | { kind: 'unreadable'; reason: string };

/** Reads auth.json, parsing it again only when its stat changed since the last look. */
export class AuthFileReader {
  private cached: AuthSnapshot | undefined;
  private checkedAt = Number.NEGATIVE_INFINITY;

  constructor(
    readonly authPath: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** The file was just rewritten by us: the next read must look at it. */
  invalidate(): void {
    this.checkedAt = Number.NEGATIVE_INFINITY;
  }

  /**
   * `maxAgeMs`: how old the last look at the file may be. Requests accept a second (a stat per request is measurable
   * CPU); a refresh passes 0, since it must see tokens another process rotated a moment ago.
   */
  async read(maxAgeMs = 0): Promise<AuthSnapshot> {
    if (this.cached && this.now() - this.checkedAt < maxAgeMs) return this.cached;
    let current: string;
    try {
      current = stampOf(await stat(this.authPath, { bigint: true }));
    } catch (error) {
      this.cached = undefined;
      return snapshotOfError(error);
    }
    if (this.cached?.stamp !== current) this.cached = await readAuthFile(this.authPath);
    this.checkedAt = this.now();
    return this.cached;
  }
}

/** Reads and classifies auth.json without caching. Never throws. */
export async function readAuthFile(authPath: string): Promise<AuthSnapshot> {
  let handle;
  try {
    handle = await open(authPath, 'r');
  } catch (error) {
    return snapshotOfError(error);
  }
  try {
    // Stat and read the same open file, so the stamp always belongs to the text even if the file is replaced meanwhile.
    const stamp = stampOf(await handle.stat({ bigint: true }));
    const text = await handle.readFile('utf8');
    return { stamp, ...classifyAuthText(text) };
  } catch (error) {
    return snapshotOfError(error);
  } finally {
    await handle.close();
  }
}

function classifyAuthText(text: string): Classified {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // The parser's message quotes the text around the error, which may be a token: say only that it is broken.
    return { kind: 'unreadable', reason: 'it is not valid JSON' };
  }
  if (!isRecord(value)) return { kind: 'unreadable', reason: 'it is not a JSON object' };
  const tokens = value.tokens;
  if (isRecord(tokens) && nonEmptyString(tokens.access_token) && nonEmptyString(tokens.refresh_token)) {
    // Known by value from now on, so no error or log line can show them whatever their shape.
    for (const secret of [tokens.id_token, tokens.access_token, tokens.refresh_token]) if (nonEmptyString(secret)) rememberSecret(secret);
    // ChatGPT tokens win over OPENAI_API_KEY: old files without auth_mode but with a key would otherwise look API-key-only.
    return {
      kind: 'chatgpt',
      file: {
        tokens: {
          idToken: nonEmptyString(tokens.id_token) ? tokens.id_token : undefined,
          accessToken: tokens.access_token,
          refreshToken: tokens.refresh_token,
          accountId: nonEmptyString(tokens.account_id) ? tokens.account_id : null,
        },
        lastRefresh: nonEmptyString(value.last_refresh) ? value.last_refresh : undefined,
        raw: value,
      },
    };
  }
  if (nonEmptyString(value.OPENAI_API_KEY)) return { kind: 'api-key-only' };
  return { kind: 'unreadable', reason: tokens === undefined || tokens === null ? 'it holds no ChatGPT tokens' : 'its ChatGPT tokens are incomplete' };
}

/** The 401 a request gets when the snapshot holds no usable ChatGPT login; undefined when it does. */
export function loginProblem(snapshot: AuthSnapshot, authPath: string): ApiError | undefined {
  switch (snapshot.kind) {
    case 'chatgpt':
      return undefined;
    case 'missing':
      return new ApiError(
        401,
        `No ChatGPT login found at ${authPath}: sign in with \`codex-cursor-bridge login\` (or "Sign in with ChatGPT" in the bridge's window). ` +
          '(If you signed in with the Codex CLI and it keeps its login in the OS keyring, set cli_auth_credentials_store = "file" in ~/.codex/config.toml and log in again.)',
        { code: 'codex_login_missing' },
      );
    case 'api-key-only':
      return new ApiError(
        401,
        `The Codex login at ${authPath} holds an API key, not a ChatGPT login: sign in with ChatGPT with \`codex-cursor-bridge login\`.`,
        { code: 'codex_login_api_key_only' },
      );
    case 'unreadable':
      return new ApiError(401, `The Codex login at ${authPath} cannot be used (${snapshot.reason}): sign in again with \`codex-cursor-bridge login\`.`, {
        code: 'codex_login_unreadable',
      });
  }
}

/**
 * Replaces `filePath` with `contents` so that readers (and a crash at any moment) see either the old or the new
 * complete file, never a partial one, and never with permissions wider than 0600.
 */
export async function writeAuthFileAtomic(filePath: string, contents: Record<string, unknown>): Promise<void> {
  // Same bytes as the Codex CLI writes: 2-space JSON, no trailing newline, temp file named `.auth-…`. The shared
  // writer is synchronous (settings and the token are written from sync code); here that is a few hundred bytes and
  // one fsync per refresh.
  writeFileAtomic(filePath, JSON.stringify(contents, null, 2), { tempPrefix: '.auth-' });
}

function stampOf(stats: BigIntStats): string {
  return `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeNs}:${stats.ctimeNs}`;
}

function snapshotOfError(error: unknown): AuthSnapshot {
  const code = errorCode(error);
  if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing', stamp: 'missing' };
  return { kind: 'unreadable', stamp: `error:${code}`, reason: `cannot read it: ${code}` };
}

function errorCode(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : 'unknown error';
}
