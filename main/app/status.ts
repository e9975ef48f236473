import type { LoginState, StatusView, TunnelState } from '../../shared/bridge-api.js';
import { clockTime } from '../../shared/time-text.js';

interface LimitWindowInput {
  readonly usedPercent: number;
  readonly resetsAt?: string;
}

/** The parts of the app's state (AppState) the status reads. */
export interface StatusInput {
  readonly server: { readonly running: boolean; readonly baseUrl?: string };
  readonly login: { readonly state: LoginState };
  readonly limits?: { readonly limitReached: boolean; readonly windows: readonly LimitWindowInput[] };
  readonly tunnel: { readonly state: TunnelState; readonly provider: string; readonly url?: string; readonly error?: string };
}

/**
 * Whether the bridge works, derived from the state alone, so the window's header, the tray (icon and first line)
 * and the CLI say the same words. The most urgent problem wins: not serving, no login, a reached limit, the tunnel.
 * `now` places the reset time ("until 14:20", or "until 09:00 on 4 Dec").
 */
export function bridgeStatus(state: StatusInput, now: number = Date.now()): StatusView {
  if (!state.server.running) {
    return { kind: 'error', level: 'error', title: 'Error', detail: 'The bridge is not serving: clients get no answer.' };
  }
  if (state.login.state !== 'ok') {
    const renew = state.login.state === 'refresh-failed';
    return {
      kind: 'needs-sign-in',
      level: 'attention',
      title: 'Needs sign-in',
      detail: renew
        ? 'ChatGPT no longer accepts the saved login: sign in again to use your subscription.'
        : 'Sign in with your ChatGPT account to use your subscription from Cursor and other clients.',
      action: { id: 'sign-in', label: renew ? 'Sign in again' : 'Sign in with ChatGPT' },
    };
  }
  if (state.limits?.limitReached) {
    const until = resetOfReachedLimit(state.limits.windows);
    return {
      kind: 'limit-reached',
      level: 'attention',
      title: until === undefined ? 'Usage limit reached' : `Usage limit reached until ${clockTime(until, now)}`,
      detail: 'Requests fail until the limit resets, or until you add credits to your ChatGPT account.',
      action: { id: 'open-usage', label: 'See usage' },
    };
  }
  if (state.tunnel.state === 'failed') {
    return {
      kind: 'tunnel-down',
      level: 'error',
      title: 'Tunnel down',
      detail: `Cursor cannot reach the bridge: ${(state.tunnel.error ?? `the ${state.tunnel.provider} tunnel failed`).replace(/\.$/, '')}.`,
      action: { id: 'retry-tunnel', label: 'Retry' },
    };
  }
  if (state.tunnel.state === 'reconnecting') {
    return { kind: 'tunnel-down', level: 'attention', title: 'Tunnel down', detail: `Reconnecting to ${state.tunnel.provider}… Cursor cannot reach the bridge meanwhile.` };
  }
  const local = `${state.server.baseUrl ?? ''}/v1`;
  const publicly = state.tunnel.state === 'online' && state.tunnel.url ? ` and publicly at ${state.tunnel.url}` : '';
  return { kind: 'ready', level: 'ok', title: 'Ready', detail: `Serving ${local}${publicly}.` };
}

/** The latest reset among the exhausted windows: requests work again only once all of them have reset. */
function resetOfReachedLimit(windows: readonly LimitWindowInput[]): number | undefined {
  const resets = windows.filter((window) => window.usedPercent >= 100 && window.resetsAt).map((window) => Date.parse(window.resetsAt!));
  return resets.length > 0 ? Math.max(...resets) : undefined;
}

/** `5h: 90 % left, resets 14:20` for each window (left = 100 − the whole percent used, as the meters round). */
export function usageLeftLines(limits: { readonly windows: readonly (LimitWindowInput & { readonly label: string })[] } | undefined, now: number = Date.now()): string[] {
  return (limits?.windows ?? []).map((window) => {
    const reset = window.resetsAt ? `, resets ${clockTime(Date.parse(window.resetsAt), now)}` : '';
    return `${window.label}: ${100 - Math.min(100, Math.floor(window.usedPercent))} % left${reset}`;
  });
}
