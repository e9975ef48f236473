import type { AliasRow, BridgeSnapshot, CatalogView, CursorWaitView, ForecastView, InFlightRow, LimitsView, LoginView, LogRow, SecretsStorage, SignInView, TunnelView } from '../../shared/bridge-api.js';
import { claudeCodeCommand } from '../../shared/claude-code.js';
import type { AuthStatus } from '../auth/auth-manager.js';
import type { ResolvedAlias } from '../models/alias-target.js';
import { creditsText, labelledWindows } from '../usage/describe-limits.js';
import type { UsageLimits } from '../usage/usage-limits.js';
import type { Snapshot } from './state-store.js';
import { bridgeStatus } from './status.js';

/**
 * Everything a surface shows, in one immutable snapshot. The guard's rules, the CLI's card and lines, the tray menu
 * and the window's snapshot are all derived from it; side effects subscribe to it (subscribers.ts).
 */
export interface AppState {
  version: string;
  server: {
    running: boolean;
    /** `http://127.0.0.1:7711` while running. */
    baseUrl?: string;
    /** Whether /v1/* requires the bridge token (a public tunnel is on, `--require-token`, or the setting). */
    tokenRequired: boolean;
  };
  /** The Codex login; `planType` is the raw plan (`pro`) that picks the catalog's models. */
  login: LoginView & { planType?: string };
  catalog: CatalogView;
  aliases: ResolvedAlias[];
  limits?: LimitsView;
  /** `publicUrl` is the tunnel's base URL without `/v1` (what Cursor's settings and the guard need). */
  tunnel: TunnelView & { publicUrl?: string };
  cursor: {
    /** Whether the bridge's settings are in Cursor's database (an undo record exists); undefined until known. */
    configured?: boolean;
    /** Set while a write waits for Cursor to quit. */
    wait?: CursorWaitView;
    /** The latest thing worth telling about Cursor that no one asked for (re-pointed at a new tunnel URL, or why not). */
    notice?: { seq: number; text: string };
  };
  requests: {
    finished: number;
    last?: LogRow;
    /** Being answered now, oldest first (bounded by the request log: IN_FLIGHT_SHOWN). */
    inFlight: InFlightRow[];
    /** The last RECENT_KEPT finished ones, oldest first. */
    recent: LogRow[];
  };
  /** Where each limit window is heading at the recent pace (from the usage history); empty while unknown. */
  forecasts: ForecastView[];
  settings: { startAtLogin: boolean; secretsStorage: SecretsStorage };
  /** The sign-in under way or last ended in this run (the window shows its progress; the tray offers "Sign in…"). */
  signIn?: SignInView;
}

/** Finished requests the state keeps for a window that opens later. */
export const RECENT_KEPT = 200;

/** The requests part after one finished: counted, kept (bounded), no longer in flight. */
export function withFinished(requests: Snapshot<AppState['requests']>, last: LogRow): AppState['requests'] | Snapshot<AppState['requests']> {
  const recent = requests.recent.length >= RECENT_KEPT ? [...requests.recent.slice(1 - RECENT_KEPT), last] : [...requests.recent, last];
  const inFlight = requests.inFlight.some((row) => row.id === last.id) ? requests.inFlight.filter((row) => row.id !== last.id) : requests.inFlight;
  return { finished: requests.finished + 1, last, inFlight, recent };
}

export function initialState(version: string, authPath: string, provider: string, settings: AppState['settings']): AppState {
  return {
    version,
    server: { running: false, tokenRequired: false },
    login: { state: 'missing', authPath },
    catalog: { state: 'default', models: 0, lastError: null },
    aliases: [],
    tunnel: { state: 'off', provider },
    cursor: {},
    requests: { finished: 0, inFlight: [], recent: [] },
    forecasts: [],
    settings,
  };
}

export function loginOf(status: AuthStatus): AppState['login'] {
  return {
    state: status.state,
    authPath: status.authPath,
    ...(status.email ? { email: status.email } : {}),
    ...(status.planLabel ? { plan: status.planLabel } : {}),
    ...(status.plan ? { planType: status.plan } : {}),
    ...(status.expiresAt ? { expiresAt: status.expiresAt.toISOString() } : {}),
    ...(status.message ? { message: status.message } : {}),
  };
}

export function limitsOf(limits: UsageLimits): LimitsView {
  const credits = creditsText(limits);
  return {
    windows: labelledWindows(limits).map(({ label, window }) => ({
      label,
      usedPercent: window.usedPercent,
      ...(window.resetsAt !== undefined ? { resetsAt: new Date(window.resetsAt).toISOString() } : {}),
    })),
    limitReached: limits.limitReached,
    ...(credits ? { credits } : {}),
    observedAt: new Date(limits.observedAt).toISOString(),
  };
}

export function aliasRows(state: Snapshot<AppState>): AliasRow[] {
  return state.aliases.map(({ role: _role, ...row }) => ({ ...row }));
}

/** The window's snapshot: a projection of the state, nothing computed anew. */
export function windowSnapshot(state: Snapshot<AppState>): BridgeSnapshot {
  const { publicUrl: _publicUrl, ...tunnel } = state.tunnel;
  const { planType: _planType, ...login } = state.login;
  return {
    version: state.version,
    localUrl: `${state.server.baseUrl ?? ''}/v1`,
    tokenRequired: state.server.tokenRequired,
    login,
    catalog: state.catalog,
    tunnel,
    startAtLogin: state.settings.startAtLogin,
    ...(state.cursor.wait ? { cursorWait: state.cursor.wait } : {}),
    ...(state.limits ? { limits: state.limits } : {}),
    status: bridgeStatus(state),
    ...(state.signIn ? { signIn: state.signIn } : {}),
    ...(state.cursor.configured !== undefined ? { cursorConfigured: state.cursor.configured } : {}),
    ...(state.forecasts.length > 0 ? { forecasts: state.forecasts } : {}),
  } as BridgeSnapshot;
}

/** Ends `text` with a full stop unless it ends a sentence already, so a hint after it never runs on. */
function sentence(text: string): string {
  return /[.!?…]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`;
}

/** The tunnel in one line, as the CLI prints it and the tray shows it. */
export function tunnelLine(tunnel: Snapshot<TunnelView>): string {
  switch (tunnel.state) {
    case 'off':
      return `Public tunnel (${tunnel.provider}): off`;
    case 'connecting':
      return `Public tunnel (${tunnel.provider}): connecting…`;
    case 'reconnecting':
      return `Public tunnel (${tunnel.provider}): reconnecting…${tunnel.error ? ` (${tunnel.error})` : ''}`;
    case 'online':
      return `Public tunnel (${tunnel.provider}): ${tunnel.url ?? 'online'}`;
    case 'failed':
      return `Public tunnel (${tunnel.provider}) failed: ${tunnel.hint ? `${sentence(tunnel.error ?? 'unknown error')} ${tunnel.hint}` : (tunnel.error ?? 'unknown error')}`;
  }
}

/** How to start Claude Code on this running bridge (the command itself is shared/claude-code.ts). */
export function claudeCodeLine(state: Snapshot<AppState>, token: string): string {
  return claudeCodeCommand(state.server.baseUrl ?? '', token);
}
