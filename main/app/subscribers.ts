/**
 * Side effects of state changes, each a named subscriber so they can be found (they used to hide inside the tunnel
 * wrappers and a once-read variable). Each returns its unsubscribe.
 */
import { clearPublicUrl, followTunnelUrl } from '../cursor/follow-tunnel-url.js';
import { whenText } from '../../shared/time-text.js';
import { tunnelLine, type AppState } from './app-state.js';
import type { CursorTarget } from './cursor.js';
import type { StateStore } from './state-store.js';

export interface RepointOptions {
  store: StateStore<AppState>;
  home: string;
  target(): CursorTarget;
  aliases: readonly string[];
}

/**
 * The tunnel's public URL changed (free ngrok URLs and quick tunnels rotate): record it for `configure-cursor` in
 * another process, and re-point Cursor if the bridge configured it before. The tunnel off: forget the URL.
 */
export function repointCursorOnNewTunnelUrl(options: RepointOptions): () => void {
  const { store } = options;
  let followed: string | undefined;
  let notices = 0;
  return store.subscribe((next, previous) => {
    const url = next.tunnel.publicUrl;
    if (next.tunnel.state === 'off' && previous.tunnel.state !== 'off') {
      followed = undefined;
      clearPublicUrl(options.home);
      return;
    }
    if (url === undefined || url === followed) return;
    followed = url;
    void followTunnelUrl({ home: options.home, target: options.target(), publicUrl: url, aliases: options.aliases }).then((text) => {
      if (text === undefined) return;
      notices += 1;
      const notice = { seq: notices, text };
      store.update((state) => ({ ...state, cursor: { ...state.cursor, notice } }));
    });
  });
}

/** A different plan after a new login offers different models: the aliases are resolved again for it. */
export function refreshAliasesOnNewPlan(store: StateStore<AppState>, resync: () => Promise<void>): () => void {
  return store.subscribe((next, previous) => {
    if (next.server.running && next.login.planType !== previous.login.planType) void resync().catch(() => undefined);
  });
}

/** Something worth telling the user that they did not ask for: an OS notification in the app, a line in the CLI. */
export interface Notice {
  kind: 'tunnel-url' | 'cursor' | 'tunnel-down' | 'login' | 'usage';
  title: string;
  body: string;
}
export type Notify = (notice: Notice) => void;

/** A running tunnel's public URL changed (free ngrok URLs and quick tunnels rotate); a Cursor re-point is its own notice. */
export function notifyTunnelUrlChanged(store: StateStore<AppState>, notify: Notify): () => void {
  // The last public URL, kept through a reconnection (which has none) and forgotten when the tunnel is turned off.
  let last: string | undefined;
  return store.subscribe((next, previous) => {
    const url = next.tunnel.url;
    if (next.tunnel.state === 'off') last = undefined;
    if (url !== undefined && url !== last) {
      if (last !== undefined) notify({ kind: 'tunnel-url', title: 'Public URL changed', body: `Clients now reach the bridge at ${url}.` });
      last = url;
    }
    if (next.cursor.notice && next.cursor.notice !== previous.cursor.notice) notify({ kind: 'cursor', title: 'Cursor', body: next.cursor.notice.text });
  });
}

const DOWN: readonly string[] = ['failed', 'reconnecting'];

/** The tunnel failed (and gave up) or is trying to reconnect: once per fall, not on every retry. */
export function notifyTunnelDown(store: StateStore<AppState>, notify: Notify): () => void {
  return store.subscribe((next, previous) => {
    if (next.tunnel.state === previous.tunnel.state || !DOWN.includes(next.tunnel.state)) return;
    if (next.tunnel.state === 'reconnecting' && previous.tunnel.state === 'failed') return;
    notify({ kind: 'tunnel-down', title: 'Public tunnel down', body: tunnelLine(next.tunnel) });
  });
}

/** The login stopped working: the refresh was refused (expired or revoked), or auth.json went away or became unreadable. */
export function notifyLoginProblem(store: StateStore<AppState>, notify: Notify): () => void {
  return store.subscribe((next, previous) => {
    const { state } = next.login;
    if (state === previous.login.state || state === 'ok') return;
    if (state !== 'refresh-failed' && previous.login.state !== 'ok') return; // never signed in: nothing was lost
    notify({ kind: 'login', title: 'Sign in again', body: next.login.message ?? 'The ChatGPT login no longer works; requests fail until you sign in again.' });
  });
}

const USAGE_THRESHOLDS = [75, 90, 100] as const;
/** A reset derived from `reset-after-seconds` drifts by seconds between answers: still the same window. */
const SAME_RESET_MS = 2 * 60 * 1000;

function sameWindow(told: string | undefined, resetsAt: string | undefined): boolean {
  if (told === undefined || resetsAt === undefined) return told === resetsAt;
  return Math.abs(Date.parse(told) - Date.parse(resetsAt)) < SAME_RESET_MS;
}

/** A usage window crossed 75, 90 or 100 %: once per threshold until that window resets. */
export function notifyUsageThresholds(store: StateStore<AppState>, notify: Notify, now: () => number = Date.now): () => void {
  const told = new Map<string, { resetsAt: string | undefined; threshold: number }>();
  return store.subscribe((next, previous) => {
    if (next.limits === previous.limits || !next.limits) return;
    for (const window of next.limits.windows) {
      const seen = told.get(window.label);
      const already = seen && sameWindow(seen.resetsAt, window.resetsAt) ? seen.threshold : 0;
      const reached = USAGE_THRESHOLDS.filter((threshold) => window.usedPercent >= threshold).at(-1) ?? 0;
      if (reached <= already) continue;
      told.set(window.label, { resetsAt: window.resetsAt, threshold: reached });
      const reset = window.resetsAt ? `; it resets at ${whenText(Date.parse(window.resetsAt), now())}` : '';
      notify({
        kind: 'usage',
        title: reached === 100 ? `${window.label} usage limit reached` : `${window.label} usage at ${reached} %`,
        body: `${reached === 100 ? 'Requests fail until the window resets' : `${Math.floor(window.usedPercent)} % of the ${window.label} window is used`}${reset}.`,
      });
    }
  });
}
