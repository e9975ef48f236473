/**
 * The one contract between the desktop window and the core: what the renderer may ask (`BridgeApi`), the IPC
 * channel of each request, the events pushed to the window, and the validation of every argument the main process
 * receives. Types and pure functions only: main, preload and renderer all import this file.
 */

export type LoginState = 'ok' | 'missing' | 'api-key-only' | 'unreadable' | 'refresh-failed';
export type TunnelState = 'off' | 'connecting' | 'online' | 'failed' | 'reconnecting';

export interface LoginView {
  state: LoginState;
  authPath: string;
  email?: string;
  /** Plus, Pro, Team, … */
  plan?: string;
  /** ISO time the access token expires. */
  expiresAt?: string;
  message?: string;
}

export interface TunnelView {
  state: TunnelState;
  provider: string;
  /** Public base URL for clients, ending in /v1, while online. */
  url?: string;
  error?: string;
  hint?: string;
}

export interface LimitWindowView {
  /** The Codex CLI's name for the window: `5h`, `daily`, `weekly`, `monthly`. */
  label: string;
  /** 0–100. */
  usedPercent: number;
  /** ISO time the window starts over. */
  resetsAt?: string;
}

/** The account's Codex usage limits, as the last model answer (or the backend's usage page) reported them. */
export interface LimitsView {
  /** The short window (5 h on paid plans), then the long one (weekly). */
  windows: LimitWindowView[];
  /** Requests fail until a window resets or credits are bought. */
  limitReached: boolean;
  /** `12.34 credits`, `unlimited credits`; absent when the account has none. */
  credits?: string;
  /** ISO time these numbers were read. */
  observedAt: string;
}

export interface BridgeSnapshot {
  version: string;
  /** http://127.0.0.1:7711/v1 */
  localUrl: string;
  tokenRequired: boolean;
  login: LoginView;
  catalog: { state: 'live' | 'cached' | 'default'; models: number; lastError: string | null };
  tunnel: TunnelView;
  startAtLogin: boolean;
  /** Absent until the backend has reported them (signed out, offline, no request yet and the usage page unreachable). */
  limits?: LimitsView;
}

export interface AliasRow {
  alias: string;
  slug: string;
  effort: string;
  serviceTier?: 'priority';
  source: 'catalog' | 'default' | 'override';
  description: string;
  note?: string;
}

export interface CheckRow {
  id: string;
  title: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

/** One finished request, as the CLI prints it and the window's live log shows it. */
export interface LogRow {
  id: string;
  at: string;
  method: string;
  path: string;
  /** 499: the client went away before the answer was complete. */
  status: number;
  latencyMs: number;
  /** The alias the client asked for, and the upstream slug it resolved to. */
  model?: string;
  upstreamModel?: string;
  messages?: number;
  tools?: number;
  stream?: boolean;
  /** SSE data events relayed to the client. */
  chunks?: number;
  /** Upstream HTTP attempts (more than one means retries or 401 recovery). */
  attempts?: number;
  promptTokens?: number;
  cachedTokens?: number;
  outputTokens?: number;
  reasoningTokens?: number;
  /** What went wrong, in words (never a token). */
  error?: string;
  /** The API shape the client spoke. */
  frontEnd?: 'chat' | 'responses' | 'messages';
  /** The client's User-Agent, cut to a bounded length. */
  userAgent?: string;
  /** Reasoning effort and service tier sent upstream. */
  effort?: string;
  tier?: string;
  /** The error's machine code (`usage_limit_reached`, …). */
  errorCode?: string;
  /** Served by the usage-limit fallback instead of this alias. */
  fallbackFrom?: string;
  /** Where the time went (ms since the request arrived): the bridge before upstream, upstream to its answer, first delta. */
  bridgeMs?: number;
  upstreamMs?: number;
  firstTokenMs?: number;
}

export interface CursorOutcome {
  ok: boolean;
  /** What happened, in words, or why nothing was written. */
  message: string;
  /** `field: old → new` lines. */
  diff: string[];
  /** Cursor was running: the app may retry once it quits. */
  cursorRunning: boolean;
}

/** What the window can do. Every method is one IPC request; events arrive through `on…` subscriptions. */
export interface BridgeApi {
  getSnapshot(): Promise<BridgeSnapshot>;
  listAliases(): Promise<AliasRow[]>;
  runChecks(): Promise<CheckRow[]>;
  recentLog(): Promise<LogRow[]>;
  getToken(): Promise<string>;
  rotateToken(): Promise<string>;
  copyText(text: string): Promise<void>;
  setTunnel(enabled: boolean): Promise<TunnelView>;
  configureCursor(dryRun: boolean): Promise<CursorOutcome>;
  undoCursor(): Promise<CursorOutcome>;
  setStartAtLogin(enabled: boolean): Promise<boolean>;
  onLog(listener: (row: LogRow) => void): () => void;
  onSnapshot(listener: (snapshot: BridgeSnapshot) => void): () => void;
}

export type RequestName = Exclude<keyof BridgeApi, 'onLog' | 'onSnapshot'>;

/** Every request channel carries the `bridge:` prefix; the main side refuses anything else. */
export const REQUEST_CHANNELS = {
  getSnapshot: 'bridge:get-snapshot',
  listAliases: 'bridge:list-aliases',
  runChecks: 'bridge:run-checks',
  recentLog: 'bridge:recent-log',
  getToken: 'bridge:get-token',
  rotateToken: 'bridge:rotate-token',
  copyText: 'bridge:copy-text',
  setTunnel: 'bridge:set-tunnel',
  configureCursor: 'bridge:configure-cursor',
  undoCursor: 'bridge:undo-cursor',
  setStartAtLogin: 'bridge:set-start-at-login',
} as const satisfies Record<RequestName, `bridge:${string}`>;

export const EVENT_CHANNELS = {
  log: 'bridge:event-log',
  snapshot: 'bridge:event-snapshot',
} as const;

export type RequestArgs = { [K in RequestName]: Parameters<BridgeApi[K]> };
export type RequestResult = { [K in RequestName]: Awaited<ReturnType<BridgeApi[K]>> };

/** Thrown by `validateArgs`; the main side answers with it instead of calling the core. */
export class InvalidIpcArguments extends Error {}

const MAX_COPY_LENGTH = 64 * 1024;

/** Checks what a renderer sent before the core sees it: a compromised renderer gets nothing else through. */
export function validateArgs<K extends RequestName>(name: K, args: unknown[]): RequestArgs[K] {
  const fail = (why: string): never => {
    throw new InvalidIpcArguments(`${REQUEST_CHANNELS[name]}: ${why}`);
  };
  const expectCount = (count: number): void => {
    if (args.length !== count) fail(`expected ${count} argument(s), got ${args.length}`);
  };
  switch (name) {
    case 'copyText':
      expectCount(1);
      if (typeof args[0] !== 'string' || args[0].length > MAX_COPY_LENGTH) fail('expected a string of at most 64 KiB');
      break;
    case 'setTunnel':
    case 'configureCursor':
    case 'setStartAtLogin':
      expectCount(1);
      if (typeof args[0] !== 'boolean') fail('expected a boolean');
      break;
    default:
      expectCount(0);
  }
  return args as RequestArgs[K];
}
