import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeTunnelProvider } from '../../test/support/fake-tunnel.js';
import { backoffDelay, createTunnelManager, type TunnelManager, type TunnelStatus } from './tunnel-manager.js';
import { TunnelError, type TunnelHandle, type TunnelProvider, type TunnelStartOptions } from './tunnel-provider.js';

const transient = (reason = 'could not reach ngrok: offline'): TunnelError =>
  new TunnelError(reason, { code: 'ngrok_unreachable', hint: 'check the network', retryable: true });
const permanent = (): TunnelError =>
  new TunnelError('ngrok needs an authtoken and none was found', {
    code: 'ngrok_authtoken_missing',
    hint: 'Set NGROK_AUTHTOKEN',
    retryable: false,
  });

/** A provider that answers each start() with the next scripted outcome (then succeeds), recording every call. */
class ScriptedProvider implements TunnelProvider {
  readonly name = 'scripted';
  readonly calls: TunnelStartOptions[] = [];
  readonly stopped: string[] = [];
  private opened = 0;

  constructor(private readonly script: Array<Error | 'ok' | 'hang'> = []) {}

  async start(opts: TunnelStartOptions): Promise<TunnelHandle> {
    this.calls.push(opts);
    const next = this.script.shift() ?? 'ok';
    if (next instanceof Error) throw next;
    if (next === 'hang') await new Promise((resolve) => opts.signal?.addEventListener('abort', resolve));
    this.opened += 1;
    const publicUrl = `https://t-${this.opened}.example`;
    return { publicUrl, stop: async () => void this.stopped.push(publicUrl) };
  }

  disconnect(reason: string): void {
    this.calls.at(-1)?.onDisconnect(reason);
  }
}

function record(manager: TunnelManager): TunnelStatus[] {
  const seen: TunnelStatus[] = [];
  manager.subscribe((s) => seen.push(s));
  return seen;
}

const states = (seen: TunnelStatus[]): string[] => seen.map((s) => s.state);

describe('backoffDelay', () => {
  it('doubles from the initial delay and stops at the cap', () => {
    const backoff = { initialMs: 100, maxMs: 1_000 };
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, backoff))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });
});

describe('createTunnelManager (scripted provider, fake timers)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('goes connecting → online, passes the bridge address, and reports the first URL', async () => {
    const provider = new ScriptedProvider();
    const onStatus = vi.fn();
    const onUrlChange = vi.fn();
    const manager = createTunnelManager({ provider, localPort: 7711, localHost: '127.0.0.1', onStatus, onUrlChange });
    expect(manager.current()).toMatchObject({ state: 'off', provider: 'scripted' });
    const seen = record(manager);

    const outcome = await manager.start();

    expect(outcome).toMatchObject({ state: 'online', url: 'https://t-1.example', provider: 'scripted' });
    expect(states(seen)).toEqual(['connecting', 'online']);
    expect(seen[0]).toMatchObject({ attempt: 1 });
    expect(seen[1]?.since).toBeInstanceOf(Date);
    expect(onStatus).toHaveBeenCalledTimes(2);
    expect(onUrlChange).toHaveBeenCalledWith('https://t-1.example', undefined);
    expect(provider.calls[0]).toMatchObject({ localPort: 7711, localHost: '127.0.0.1' });
    expect(manager.current()).toBe(seen[1]);
    await manager.stop();
  });

  it('fails without retrying when the user must act (missing authtoken)', async () => {
    const provider = new ScriptedProvider([permanent()]);
    const manager = createTunnelManager({ provider, localPort: 1, localHost: '127.0.0.1' });

    const outcome = await manager.start();
    await vi.advanceTimersByTimeAsync(10 * 60_000);

    expect(outcome).toMatchObject({
      state: 'failed',
      error: 'ngrok needs an authtoken and none was found',
      hint: 'Set NGROK_AUTHTOKEN',
    });
    expect(outcome.retryInMs).toBeUndefined();
    expect(provider.calls).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('start() after a permanent failure tries again at once; while running it starts nothing new', async () => {
    const provider = new ScriptedProvider([permanent()]);
    const manager = createTunnelManager({ provider, localPort: 1, localHost: '127.0.0.1' });
    expect(await manager.start()).toMatchObject({ state: 'failed' });

    // The user fixed the cause (e.g. set NGROK_AUTHTOKEN) and asks again.
    const online = await manager.start();
    expect(online).toMatchObject({ state: 'online', url: 'https://t-1.example' });
    expect(online.error).toBeUndefined();
    expect(await manager.start()).toBe(online);
    expect(provider.calls).toHaveLength(2);
    await manager.stop();
  });

  it('retries transient failures with growing, capped backoff until online', async () => {
    const provider = new ScriptedProvider([transient(), transient(), transient(), transient()]);
    const manager = createTunnelManager({
      provider,
      localPort: 1,
      localHost: '127.0.0.1',
      backoff: { initialMs: 100, maxMs: 300 },
    });
    const seen = record(manager);

    expect(await manager.start()).toMatchObject({ state: 'failed', error: 'could not reach ngrok: offline', retryInMs: 100 });
    await vi.advanceTimersByTimeAsync(99);
    expect(provider.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(provider.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(200 + 300 + 300);

    expect(provider.calls).toHaveLength(5);
    expect(manager.current()).toMatchObject({ state: 'online', url: 'https://t-1.example' });
    const waits = seen.filter((s) => s.state === 'failed').map((s) => s.retryInMs);
    expect(waits).toEqual([100, 200, 300, 300]);
    const tryAndFail = ['connecting', 'failed'];
    expect(states(seen)).toEqual([...tryAndFail, ...tryAndFail, ...tryAndFail, ...tryAndFail, 'connecting', 'online']);
    // While retrying, the last reason stays visible and the attempt number counts up.
    expect(seen[2]).toMatchObject({ state: 'connecting', attempt: 2, error: 'could not reach ngrok: offline' });
    await manager.stop();
  });

  it('on a drop: reconnecting, backoff restarts from the initial delay, then online with the new URL', async () => {
    const provider = new ScriptedProvider(['ok', transient(), transient()]);
    const onUrlChange = vi.fn();
    const manager = createTunnelManager({
      provider,
      localPort: 1,
      localHost: '127.0.0.1',
      backoff: { initialMs: 50, maxMs: 1_000 },
      onUrlChange,
    });
    await manager.start();
    const seen = record(manager);

    provider.disconnect('the ngrok session lost its connection');
    expect(manager.current()).toMatchObject({
      state: 'reconnecting',
      error: 'the ngrok session lost its connection',
      retryInMs: 50,
      attempt: 1,
    });
    expect(provider.stopped).toEqual(['https://t-1.example']);
    await vi.advanceTimersByTimeAsync(50 + 50 + 100);

    // drop (waiting) → try 1 → failed (waiting) → try 2 → failed (waiting) → try 3 → online
    expect(states(seen)).toEqual([...Array<string>(6).fill('reconnecting'), 'online']);
    expect(seen.map((s) => s.attempt)).toEqual([1, 1, 2, 2, 3, 3, undefined]);
    expect(seen.map((s) => s.retryInMs).filter((v) => v !== undefined)).toEqual([50, 50, 100]);
    expect(manager.current()).toMatchObject({ state: 'online', url: 'https://t-2.example' });
    expect(onUrlChange.mock.calls).toEqual([
      ['https://t-1.example', undefined],
      ['https://t-2.example', 'https://t-1.example'],
    ]);

    // A late disconnect from the old tunnel is ignored.
    provider.calls[0]?.onDisconnect('stale');
    expect(manager.current().state).toBe('online');
    await manager.stop();
  });

  it('stop() cancels a pending reconnect and leaves no timer behind', async () => {
    const provider = new ScriptedProvider([transient()]);
    const manager = createTunnelManager({ provider, localPort: 1, localHost: '127.0.0.1' });
    await manager.start();
    expect(vi.getTimerCount()).toBe(1);

    await manager.stop();

    expect(manager.current().state).toBe('off');
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(provider.calls).toHaveLength(1);
  });

  it('stop() while a start is in flight aborts it and closes a tunnel that opens late', async () => {
    const provider = new ScriptedProvider(['hang']);
    const manager = createTunnelManager({ provider, localPort: 1, localHost: '127.0.0.1' });
    const outcome = manager.start();
    expect(manager.current().state).toBe('connecting');

    await manager.stop();

    expect(provider.calls[0]?.signal?.aborted).toBe(true);
    expect(provider.stopped).toEqual(['https://t-1.example']);
    expect(await outcome).toMatchObject({ state: 'off' });
    expect(manager.current().state).toBe('off');
  });

  it('stop() closes the open tunnel and a later disconnect from it changes nothing', async () => {
    const provider = new ScriptedProvider();
    const manager = createTunnelManager({ provider, localPort: 1, localHost: '127.0.0.1' });
    await manager.start();
    await manager.stop();
    provider.disconnect('closed after stop');

    expect(provider.stopped).toEqual(['https://t-1.example']);
    expect(manager.current().state).toBe('off');
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('createTunnelManager with the forwarding fake tunnel', () => {
  let bridge: http.Server;
  let bridgePort: number;
  const hosts: string[] = [];

  beforeEach(async () => {
    hosts.length = 0;
    bridge = http.createServer((req, res) => {
      hosts.push(req.headers.host ?? '');
      res.end('ok');
    });
    await new Promise<void>((resolve) => bridge.listen(0, '127.0.0.1', resolve));
    bridgePort = (bridge.address() as AddressInfo).port;
  });
  afterEach(async () => {
    await new Promise((resolve) => bridge.close(resolve));
  });

  it('reconnects after a drop with a new public URL that forwards to the bridge', async () => {
    const provider = new FakeTunnelProvider();
    provider.failNextStarts(1, 'could not reach ngrok: offline');
    const urls: string[] = [];
    const manager = createTunnelManager({
      provider,
      localPort: bridgePort,
      localHost: '127.0.0.1',
      backoff: { initialMs: 5, maxMs: 20 },
      onUrlChange: (url) => urls.push(url),
    });
    const seen = record(manager);

    expect(await manager.start()).toMatchObject({ state: 'failed', error: 'could not reach ngrok: offline' });
    await vi.waitFor(() => expect(manager.current().state).toBe('online'));
    expect(manager.current().url).toBe('https://fake-1.ngrok-free.app');
    expect(await (await fetch(`${provider.localUrl}/v1/models`)).text()).toBe('ok');

    await provider.drop('fake tunnel dropped');
    await vi.waitFor(() => expect(manager.current()).toMatchObject({ state: 'online', url: 'https://fake-2.ngrok-free.app' }));
    expect(await (await fetch(`${provider.localUrl}/v1/models`)).text()).toBe('ok');

    expect(states(seen)).toEqual(['connecting', 'failed', 'connecting', 'online', 'reconnecting', 'reconnecting', 'online']);
    expect(urls).toEqual(['https://fake-1.ngrok-free.app', 'https://fake-2.ngrok-free.app']);
    expect(hosts).toEqual(['fake-1.ngrok-free.app', 'fake-2.ngrok-free.app']);
    expect(provider.starts).toBe(3);

    await manager.stop();
    expect(provider.localUrl).toBeUndefined();
  });
});
