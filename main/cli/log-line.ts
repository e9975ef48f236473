import type { LogRow } from '../../shared/bridge-api.js';

/**
 * One finished request as the terminal shows it (its text fields were already redacted, bounded and escaped by the
 * request log), e.g. `POST /v1/chat/completions 200 1834ms bridge-pro-high→gpt-6.2-astra msgs=4 tools=2 chunks=57 bridge=0.4ms upstream=812.3ms`
 */
export function formatLogLine(entry: LogRow): string {
  const parts = [entry.at.slice(11, 19), entry.method, entry.path, String(entry.status), `${entry.latencyMs}ms`];
  if (entry.model) parts.push(entry.upstreamModel ? `${entry.model}→${entry.upstreamModel}` : entry.model);
  if (entry.messages !== undefined) parts.push(`msgs=${entry.messages}`);
  if (entry.tools !== undefined) parts.push(`tools=${entry.tools}`);
  if (entry.stream) parts.push(`chunks=${entry.chunks ?? 0}`);
  if (entry.attempts !== undefined && entry.attempts > 1) parts.push(`attempts=${entry.attempts}`);
  if (entry.promptTokens) parts.push(`cached=${entry.cachedTokens ?? 0}/${entry.promptTokens}`);
  if (entry.upstreamMs !== undefined) parts.push(`bridge=${entry.bridgeMs}ms upstream=${entry.upstreamMs}ms`);
  if (entry.fallbackFrom) parts.push(`fallback-from=${entry.fallbackFrom}`);
  if (entry.error) parts.push(`error="${entry.error}"`);
  return parts.join(' ');
}
