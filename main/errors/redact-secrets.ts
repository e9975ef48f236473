/**
 * Token-shaped text: JWTs (Codex access/id tokens), `sk-…` keys (the bridge token, API keys) and bearer values.
 * Users paste these into the wrong field (a model name, a role); they must never come back in an error or a log.
 */
const SECRET_PATTERN = /\bey[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*|\bsk-[A-Za-z0-9_-]{8,}|\bBearer\s+[^\s'"`]+/g;

export function redactSecrets(text: string): string {
  return text.replace(SECRET_PATTERN, '[redacted]');
}
