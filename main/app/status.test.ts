import { describe, expect, it } from 'vitest';
import { bridgeStatus, usageLeftLines, type StatusInput } from './status.js';

const NOW = new Date(2026, 11, 3, 12, 0).getTime();
const at = (hours: number, minutes: number, day = 3): string => new Date(2026, 11, day, hours, minutes).toISOString();

const ready: StatusInput = {
  server: { running: true, baseUrl: 'http://127.0.0.1:7711' },
  login: { state: 'ok' },
  limits: { limitReached: false, windows: [{ usedPercent: 10, resetsAt: at(14, 20) }] },
  tunnel: { state: 'off', provider: 'ngrok' },
};

describe('the bridge status, one for every surface', () => {
  it('ready: green, no action; the public URL is named when the tunnel is online', () => {
    expect(bridgeStatus(ready, NOW)).toEqual({ kind: 'ready', level: 'ok', title: 'Ready', detail: 'Serving http://127.0.0.1:7711/v1.' });
    const online = bridgeStatus({ ...ready, tunnel: { state: 'online', provider: 'ngrok', url: 'https://a.ngrok.app/v1' } }, NOW);
    expect(online.detail).toBe('Serving http://127.0.0.1:7711/v1 and publicly at https://a.ngrok.app/v1.');
    expect(bridgeStatus({ ...ready, tunnel: { state: 'connecting', provider: 'ngrok' } }, NOW).kind).toBe('ready');
  });

  it('defect 10: no login is one message with the one action, sign in (also over a reached limit and a failed tunnel)', () => {
    for (const state of ['missing', 'unreadable', 'api-key-only'] as const) {
      expect(bridgeStatus({ ...ready, login: { state }, tunnel: { state: 'failed', provider: 'ngrok' } }, NOW)).toEqual({
        kind: 'needs-sign-in',
        level: 'attention',
        title: 'Needs sign-in',
        detail: 'Sign in with your ChatGPT account to use your subscription from Cursor and other clients.',
        action: { id: 'sign-in', label: 'Sign in with ChatGPT' },
      });
    }
    expect(bridgeStatus({ ...ready, login: { state: 'refresh-failed' } }, NOW).action).toEqual({ id: 'sign-in', label: 'Sign in again' });
  });

  it('limit reached: until the latest reset of an exhausted window, local time; another day names the day', () => {
    const limits = { limitReached: true, windows: [{ usedPercent: 100, resetsAt: at(14, 20) }, { usedPercent: 40, resetsAt: at(9, 0, 5) }] };
    expect(bridgeStatus({ ...ready, limits }, NOW)).toMatchObject({ kind: 'limit-reached', level: 'attention', title: 'Usage limit reached until 14:20', action: { id: 'open-usage' } });
    const weekly = { limitReached: true, windows: [{ usedPercent: 100, resetsAt: at(14, 20) }, { usedPercent: 100, resetsAt: at(9, 0, 5) }] };
    expect(bridgeStatus({ ...ready, limits: weekly }, NOW).title).toBe('Usage limit reached until 09:00 on 5 Dec');
    expect(bridgeStatus({ ...ready, limits: { limitReached: true, windows: [] } }, NOW).title).toBe('Usage limit reached');
  });

  it('tunnel down: failed is an error with Retry and the reason; reconnecting is attention without an action', () => {
    const failed = bridgeStatus({ ...ready, tunnel: { state: 'failed', provider: 'ngrok', error: 'authtoken rejected.' } }, NOW);
    expect(failed).toEqual({
      kind: 'tunnel-down',
      level: 'error',
      title: 'Tunnel down',
      detail: 'Cursor cannot reach the bridge: authtoken rejected.',
      action: { id: 'retry-tunnel', label: 'Retry' },
    });
    const reconnecting = bridgeStatus({ ...ready, tunnel: { state: 'reconnecting', provider: 'ngrok' } }, NOW);
    expect(reconnecting).toMatchObject({ kind: 'tunnel-down', level: 'attention', detail: 'Reconnecting to ngrok… Cursor cannot reach the bridge meanwhile.' });
    expect(reconnecting.action).toBeUndefined();
  });

  it('error: a bridge that is not serving outranks everything', () => {
    expect(bridgeStatus({ ...ready, server: { running: false }, login: { state: 'missing' } }, NOW)).toMatchObject({ kind: 'error', level: 'error', title: 'Error' });
  });
});

describe('usage left, as the tray lists it', () => {
  it('one line per window, whole percent left and the local reset time', () => {
    const limits = { windows: [{ label: '5h', usedPercent: 10.4, resetsAt: at(14, 20) }, { label: 'weekly', usedPercent: 99.6, resetsAt: at(9, 0, 5) }, { label: 'daily', usedPercent: 100 }] };
    expect(usageLeftLines(limits, NOW)).toEqual(['5h: 90 % left, resets 14:20', 'weekly: 1 % left, resets 09:00 on 5 Dec', 'daily: 0 % left']);
    expect(usageLeftLines(undefined, NOW)).toEqual([]);
  });
});
