import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Headers clients already use to name a session (opencode/kilo send x-session-id; others session_id; Claude Code its own). */
const SESSION_HEADERS = ['x-session-id', 'x-session-affinity', 'session-id', 'session_id', 'x-conversation-id', 'x-claude-code-session-id'] as const;

/** Visible ASCII, at most 256 characters: what a header value and the backend's cache key take as it is. */
const HEADER_SAFE_KEY = /^[\x21-\x7e]{1,256}$/;

/**
 * A stable key per conversation, sent upstream as `prompt_cache_key` and `session-id` so every turn of one
 * conversation lands on the backend's prompt cache. Clients rarely name their conversations, so without a session
 * header the key is derived from what never changes between turns: the model, the system prompt and the first user
 * message.
 */
export function conversationKey(headers: IncomingHttpHeaders, body: Record<string, unknown>, alias: string): string {
  for (const name of SESSION_HEADERS) {
    const value = headers[name];
    if (typeof value === 'string' && value.trim() !== '') return uuidFrom(`session:${value.trim()}`);
  }
  if (typeof body.prompt_cache_key === 'string' && body.prompt_cache_key !== '') {
    // The key also travels as the session-id header: one a header cannot carry (CR/LF, NUL, non-ASCII) or an
    // oversized one is hashed, which keeps it stable per conversation.
    return HEADER_SAFE_KEY.test(body.prompt_cache_key) ? body.prompt_cache_key : uuidFrom(`key:${body.prompt_cache_key}`);
  }
  const session = anthropicSession(body.metadata);
  if (session !== undefined) return uuidFrom(`session:${session}`);
  const items = Array.isArray(body.messages) ? body.messages : Array.isArray(body.input) ? body.input : [body.input];
  const anchor: unknown[] = [alias, body.instructions ?? body.system ?? null];
  for (const item of items) {
    anchor.push(item);
    if (isUserItem(item)) break;
  }
  return uuidFrom(JSON.stringify(anchor, boundLongText));
}

/** Long texts count by their start and their length: as stable, without hashing megabytes on every request. */
const ANCHOR_TEXT_CHARS = 64 * 1024;

function boundLongText(_key: string, value: unknown): unknown {
  return typeof value === 'string' && value.length > ANCHOR_TEXT_CHARS ? `${value.slice(0, ANCHOR_TEXT_CHARS)}…${value.length}` : value;
}

/**
 * The session in Anthropic `metadata.user_id`: Claude Code sends `{"device_id",…,"session_id"}` as JSON text, older
 * versions `user_<hash>_account_<uuid>_session_<uuid>`; any other user id names a user, not a conversation.
 */
function anthropicSession(metadata: unknown): string | undefined {
  const userId = typeof metadata === 'object' && metadata !== null ? (metadata as { user_id?: unknown }).user_id : undefined;
  if (typeof userId !== 'string') return undefined;
  const legacy = /_session_([\w-]+)$/.exec(userId);
  if (legacy) return legacy[1];
  try {
    const parsed: unknown = JSON.parse(userId);
    const session = typeof parsed === 'object' && parsed !== null ? (parsed as { session_id?: unknown }).session_id : undefined;
    return typeof session === 'string' && session !== '' ? session : undefined;
  } catch {
    return undefined;
  }
}

function isUserItem(item: unknown): boolean {
  return typeof item !== 'object' || item === null || (item as { role?: unknown }).role === 'user';
}

/** Formats a hash as a UUID, the shape the Codex CLI uses for its session ids. */
function uuidFrom(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
