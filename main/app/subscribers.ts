/**
 * Side effects of state changes, each a named subscriber so they can be found (they used to hide inside the tunnel
 * wrappers and a once-read variable). Each returns its unsubscribe.
 */
import { clearPublicUrl, followTunnelUrl } from '../cursor/follow-tunnel-url.js';
import type { AppState } from './app-state.js';
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
