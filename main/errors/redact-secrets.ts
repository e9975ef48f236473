/**
 * Token-shaped text: JWTs (Codex access/id tokens), `sk-…` keys (the bridge token, API keys) and bearer values.
 * Users paste these into the wrong field (a model name, a role); they must never come back in an error or a log.
 * A bearer value must look like a token (RFC 6750 characters, 8 or more), so a hint such as
 * "send `Authorization: Bearer <bridge token>`" stays readable.
 */
const SECRET_PATTERN = /\bey[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*|\bsk-[A-Za-z0-9_-]{8,}|\bBearer\s+[A-Za-z0-9._~+/-]{8,}=*/g;

/** The secrets the bridge holds (bridge token, Codex tokens), redacted by value whatever their shape. */
const known = new Set<string>();
const MAX_KNOWN = 32;
const MIN_SECRET_CHARS = 8;

/** Registers a secret the process holds, so any text that contains it is redacted (the oldest ones drop out). */
export function rememberSecret(value: string | undefined): void {
  if (value === undefined || value.length < MIN_SECRET_CHARS || known.has(value)) return;
  known.add(value);
  if (known.size > MAX_KNOWN) known.delete(known.values().next().value as string);
}

export function redactSecrets(text: string): string {
  let result = text;
  for (const secret of known) if (result.includes(secret)) result = result.replaceAll(secret, '[redacted]');
  return result.replace(SECRET_PATTERN, '[redacted]');
}
