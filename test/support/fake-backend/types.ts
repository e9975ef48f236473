/** Public types of the fake Codex backend (see server.ts for the behaviour). */
import type { FakeIssuer } from './issuer.js';
import type { FakeTokenAuthority } from './tokens.js';

export interface UsageNumbers {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

/** Overrides for the computed usage of a step (nested detail objects are replaced whole). */
export type UsageOverride = Partial<UsageNumbers>;

export interface FakeToolCall {
  name: string;
  /** JSON text of the arguments (for `custom: true`, the free-form tool input). */
  arguments: string;
  callId?: string;
  /** Emit a `custom_tool_call` (free-form tool such as code-mode `exec`) instead of a `function_call`. */
  custom?: boolean;
}

/**
 * One scripted answer to one `POST /codex/responses` that passed auth and validation (FIFO queue).
 * When the queue is empty the fake echoes the last user message (see scenarios.ts).
 */
export type FakeStep =
  | { kind: 'text'; text?: string; deltas?: string[]; reasoningSummary?: string; intervalMs?: number; usage?: UsageOverride }
  | { kind: 'tool_calls'; calls: FakeToolCall[]; text?: string; reasoningSummary?: string; usage?: UsageOverride }
  | { kind: 'http_error'; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'usage_limit'; planType?: string; resetsInSeconds?: number }
  | { kind: 'cut'; afterDeltas: number }
  | { kind: 'failed'; code: string; message: string; afterDeltas?: number }
  | { kind: 'incomplete'; reason: string; afterDeltas?: number }
  /** Waits `ms` before the status line (or, with `afterHeaders`, before the first event), then answers as default. */
  | { kind: 'stall'; ms: number; afterHeaders?: boolean }
  | { kind: 'paced'; deltas: number; intervalMs: number }
  /** A 200 stream whose first event never ends: one `data:` line of `bytes` bytes without a newline, then the end. */
  | { kind: 'endless_event'; bytes: number }
  | { kind: 'unauthorized' };

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** Lower-case header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The decoded (decompressed) body text. */
  rawBody: string;
  /** Parsed JSON (or form fields for a form-encoded token request); undefined when absent or unparseable. */
  body: unknown;
  /** Epoch ms. */
  receivedAt: number;
}

/** Values behind the x-codex-* headers and GET /wham/usage; mutable on a running fake. */
export interface RateLimitState {
  primaryUsedPercent: number;
  secondaryUsedPercent: number;
  primaryWindowMinutes: number;
  secondaryWindowMinutes: number;
  primaryResetAfterSeconds: number;
  secondaryResetAfterSeconds: number;
  hasCredits: boolean;
  unlimitedCredits: boolean;
  creditsBalance: string;
}

export interface FakeBackendOptions {
  /** 0 (default) = ephemeral port. */
  port?: number;
  host?: string;
  /** `{"models":[…]}`; default: test/fixtures/codex-cli/models-catalog-0.171.0.json. */
  catalog?: { models: Record<string, unknown>[] };
  tokens?: FakeTokenAuthority;
  /** Require `ChatGPT-Account-ID` to equal the token's account (403 otherwise). Default true. */
  requireAccountHeader?: boolean;
  /** Report `cached_tokens` from the per-`prompt_cache_key` prefix emulation. Default true. */
  promptCache?: boolean;
  /** Pause between streamed deltas when a step does not set one. Default 0. */
  defaultDeltaIntervalMs?: number;
  /** Reject reasoning items whose `encrypted_content` the fake did not mint. Default true. */
  verifyEncryptedContent?: boolean;
  rateLimits?: Partial<RateLimitState>;
}

export interface FakeBackend {
  origin: string;
  /** origin + '/backend-api' (what the bridge calls the upstream base). */
  baseUrl: string;
  /** origin + '/oauth/token'. */
  tokenUrl: string;
  tokens: FakeTokenAuthority;
  /** The sign-in side of auth.openai.com; its URL (CODEX_BRIDGE_AUTH_ISSUER) is `origin`. */
  issuer: FakeIssuer;
  requests: RecordedRequest[];
  rateLimits: RateLimitState;
  responsesRequests(): RecordedRequest[];
  /** Upstream model slugs whose every request gets the usage-limit 429 (the plan's limit reached for that model only). */
  usageLimitedModels: Set<string>;
  enqueue(...steps: FakeStep[]): void;
  /** Clears the step queue, recorded requests, usage-limited models, prompt-cache memory and the token authority's scripted state. */
  reset(): void;
  /** TCP connections accepted so far (keep-alive reuse does not add one). */
  readonly connectionCount: number;
  close(): Promise<void>;
}
