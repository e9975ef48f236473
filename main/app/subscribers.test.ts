/** The notification subscribers, driven through the state store alone. */
import { describe, expect, it } from 'vitest';
import { initialState, type AppState } from './app-state.js';
import { createStateStore, type Snapshot, type StateStore } from './state-store.js';
import { notifyLoginProblem, notifyTunnelDown, notifyTunnelUrlChanged, notifyUsageThresholds, type Notice, type Notify } from './subscribers.js';

function watched(subscriber: (store: StateStore<AppState>, notify: Notify) => () => void): { store: StateStore<AppState>; notices: Notice[] } {
  const store = createStateStore(initialState('0.0.0', '/x/auth.json', 'ngrok', { startAtLogin: false, secretsStorage: 'file' }));
  const notices: Notice[] = [];
  subscriber(store, (notice) => notices.push(notice));
  return { store, notices };
}
const set = (store: StateStore<AppState>, change: (state: Snapshot<AppState>) => Partial<AppState>): void => store.update((state) => ({ ...state, ...change(state) }));
const tunnel = (state: AppState['tunnel']['state'], extra: Partial<AppState['tunnel']> = {}) => ({ tunnel: { state, provider: 'ngrok', ...extra } });

describe('notifications', () => {
  it('tunnel URL changed, and Cursor re-pointed', () => {
    const { store, notices } = watched(notifyTunnelUrlChanged);
    set(store, () => tunnel('online', { url: 'https://a.ngrok-free.app/v1' }));
    expect(notices).toEqual([]); // the first URL is no change
    set(store, () => tunnel('reconnecting', { error: 'connection reset' }));
    set(store, () => tunnel('online', { url: 'https://b.ngrok-free.app/v1' }));
    set(store, (state) => ({ cursor: { ...state.cursor, notice: { seq: 1, text: 'Cursor re-pointed at the new public URL https://b.ngrok-free.app/v1.' } } }));
    expect(notices).toEqual([
      { kind: 'tunnel-url', title: 'Public URL changed', body: 'Clients now reach the bridge at https://b.ngrok-free.app/v1.' },
      { kind: 'cursor', title: 'Cursor', body: 'Cursor re-pointed at the new public URL https://b.ngrok-free.app/v1.' },
    ]);
    // Off, then on again with another URL: a new tunnel, not a change.
    set(store, () => tunnel('off'));
    set(store, () => tunnel('online', { url: 'https://c.ngrok-free.app/v1' }));
    expect(notices).toHaveLength(2);
  });

  it('tunnel down: once when it falls, not on every retry', () => {
    const { store, notices } = watched(notifyTunnelDown);
    set(store, () => tunnel('connecting'));
    set(store, () => tunnel('online', { url: 'https://a.ngrok-free.app/v1' }));
    set(store, () => tunnel('reconnecting', { error: 'connection reset' }));
    set(store, () => tunnel('reconnecting', { error: 'timed out' }));
    set(store, () => tunnel('failed', { error: 'authtoken revoked', hint: 'Enter a new one in Settings.' }));
    expect(notices).toEqual([
      { kind: 'tunnel-down', title: 'Public tunnel down', body: 'Public tunnel (ngrok): reconnecting… (connection reset)' },
      { kind: 'tunnel-down', title: 'Public tunnel down', body: 'Public tunnel (ngrok) failed: authtoken revoked. Enter a new one in Settings.' },
    ]);
  });

  it('login expired or refused; never for a user who was never signed in', () => {
    const { store, notices } = watched(notifyLoginProblem);
    set(store, (state) => ({ login: { ...state.login, state: 'unreadable', message: 'auth.json is not JSON' } }));
    expect(notices).toEqual([]);
    set(store, (state) => ({ login: { ...state.login, state: 'ok' } }));
    set(store, (state) => ({ login: { ...state.login, state: 'refresh-failed', message: 'The refresh token was refused (it expired or was revoked). Sign in again.' } }));
    expect(notices).toEqual([{ kind: 'login', title: 'Sign in again', body: 'The refresh token was refused (it expired or was revoked). Sign in again.' }]);
  });

  it('usage at 75, 90 and 100 % of a window: once per threshold until the window resets', () => {
    const now = new Date(2026, 11, 3, 12, 15).getTime();
    const { store, notices } = watched((state, notify) => notifyUsageThresholds(state, notify, () => now));
    const resetsAt = new Date(2026, 11, 3, 14, 20).toISOString();
    const used = (usedPercent: number, reset = resetsAt) =>
      set(store, () => ({ limits: { windows: [{ label: '5h', usedPercent, resetsAt: reset }], limitReached: usedPercent >= 100, observedAt: new Date(now).toISOString() } }));
    // A reset time derived from `reset-after-seconds` drifts by seconds between answers: the same window.
    const drifted = (seconds: number) => new Date(Date.parse(resetsAt) + seconds * 1000).toISOString();
    for (const [percent, drift] of [[50, 0], [76, 0], [80, 3], [91, 5], [92, 7], [100, 9], [100, 11]] as const) used(percent, drifted(drift));
    expect(notices).toEqual([
      { kind: 'usage', title: '5h usage at 75 %', body: '76 % of the 5h window is used; it resets at 14:20 (in 2 h 5 min).' },
      { kind: 'usage', title: '5h usage at 90 %', body: '91 % of the 5h window is used; it resets at 14:20 (in 2 h 5 min).' },
      { kind: 'usage', title: '5h usage limit reached', body: 'Requests fail until the window resets; it resets at 14:20 (in 2 h 5 min).' },
    ]);
    // The window reset: the thresholds count again.
    used(80, new Date(2026, 11, 3, 19, 20).toISOString());
    expect(notices.at(-1)?.title).toBe('5h usage at 75 %');
    expect(notices).toHaveLength(4);
  });
});
