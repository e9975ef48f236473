import { describe, expect, it } from 'vitest';
import { EVENT_CHANNELS, REQUEST_CHANNELS, type BridgeApi, type LogRow, type RequestName } from '../shared/bridge-api.js';
import { FakeContextBridge, FakeIpcRenderer } from '../test/support/fake-electron.js';
import { exposeBridge } from './bridge-client.js';

/** Arguments a well-behaved page passes to each request. */
const SAMPLE_ARGS: Record<RequestName, unknown[]> = {
  getSnapshot: [],
  listAliases: [],
  runChecks: [],
  recentLog: [],
  getToken: [],
  rotateToken: [],
  copyText: ['sk-bridge-1'],
  setTunnel: [true],
  configureCursor: [false],
  undoCursor: [],
  cancelCursorWait: [],
  setStartAtLogin: [true],
  signIn: ['browser'],
  cancelSignIn: [],
  signOut: [],
  testPublicUrl: [],
  inFlightRequests: [],
  requestHistory: [50, null],
  usageReport: [7],
  getSettings: [],
  updateSettings: [{ port: 7712 }],
};

function exposed(answer: (channel: string, args: unknown[]) => Promise<unknown>): { bridge: BridgeApi; ipc: FakeIpcRenderer } {
  const contextBridge = new FakeContextBridge();
  const ipc = new FakeIpcRenderer(answer);
  exposeBridge(contextBridge, ipc);
  expect([...contextBridge.exposed.keys()]).toEqual(['bridge']);
  return { bridge: contextBridge.exposed.get('bridge') as BridgeApi, ipc };
}

const row = (id: string): LogRow => ({ id, at: '2025-01-01T00:00:00.000Z', method: 'GET', path: '/v1/models', status: 200, latencyMs: 3 });

describe('window.bridge', () => {
  it('has exactly the BridgeApi methods, and nothing of ipcRenderer', () => {
    const { bridge, ipc } = exposed(async () => ({ ok: true, result: null }));
    expect(Object.keys(bridge).sort()).toEqual([...Object.keys(REQUEST_CHANNELS), 'onInFlight', 'onLog', 'onSnapshot'].sort());
    for (const value of Object.values(bridge)) expect(typeof value).toBe('function');
    expect(Object.values(bridge)).not.toContain(ipc);
  });

  it('forwards each request to its own channel with its arguments, and unwraps the result', async () => {
    const { bridge, ipc } = exposed(async (channel, args) => ({ ok: true, result: { channel, args } }));
    for (const [name, args] of Object.entries(SAMPLE_ARGS) as Array<[RequestName, unknown[]]>) {
      const call = bridge[name] as (...a: unknown[]) => Promise<unknown>;
      await expect(call(...args)).resolves.toEqual({ channel: REQUEST_CHANNELS[name], args });
    }
    expect(ipc.invoked.map((entry) => entry.channel)).toEqual(Object.keys(SAMPLE_ARGS).map((name) => REQUEST_CHANNELS[name as RequestName]));
  });

  it('rethrows a failure the main side sent as data as an Error with its message', async () => {
    const { bridge } = exposed(async () => ({ ok: false, error: { message: 'bridge:set-tunnel: expected a boolean' } }));
    const failure = await bridge.setTunnel(true).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toBe('bridge:set-tunnel: expected a boolean');
  });

  it('refuses an answer that is not an envelope, and passes on a rejected invoke', async () => {
    const { bridge } = exposed(async (channel) => {
      if (channel === REQUEST_CHANNELS.getToken) return 'raw-token';
      throw new Error("No handler registered for 'bridge:run-checks'");
    });
    await expect(bridge.getToken()).rejects.toThrow('does not understand');
    await expect(bridge.runChecks()).rejects.toThrow('No handler registered');
  });

  it('delivers events without Electron\'s event object; unsubscribe removes exactly that listener', () => {
    const { bridge, ipc } = exposed(async () => ({ ok: true, result: null }));
    const first: unknown[][] = [];
    const second: unknown[][] = [];
    const stopFirst = bridge.onLog((...args) => first.push(args));
    bridge.onLog((...args) => second.push(args));
    const snapshots: unknown[] = [];
    bridge.onSnapshot((snapshot) => snapshots.push(snapshot));
    expect(ipc.listenerCount(EVENT_CHANNELS.log)).toBe(2);

    ipc.emit(EVENT_CHANNELS.log, row('a'));
    stopFirst();
    stopFirst();
    ipc.emit(EVENT_CHANNELS.log, row('b'));
    ipc.emit(EVENT_CHANNELS.snapshot, { version: '1' });

    expect(first).toEqual([[row('a')]]);
    expect(second).toEqual([[row('a')], [row('b')]]);
    expect(snapshots).toEqual([{ version: '1' }]);
    expect(ipc.listenerCount(EVENT_CHANNELS.log)).toBe(1);
  });
});
