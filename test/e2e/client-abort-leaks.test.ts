import { createHook } from 'node:async_hooks';
import net from 'node:net';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { Agent, fetch as undiciFetch } from 'undici';
import type { RequestLogEntry } from '../../main/server/request-log.js';
import { startHarness, type Harness } from '../support/bridge-harness.js';

const MODEL = 'bridge-fast';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let h: Harness | undefined;
let proxy: UpstreamTap | undefined;
afterEach(async () => {
  await h?.close();
  await proxy?.close();
  h = undefined;
  proxy = undefined;
});

interface TappedConnection {
  /** Last time the backend sent bytes toward the bridge on this connection. */
  lastDownAt: number;
  /** When the bridge closed its side. */
  closedAt?: number;
}

interface UpstreamTap {
  port: number;
  connections: TappedConnection[];
  /** Where to forward; set once the fake backend is up. */
  target(port: number): void;
  close(): Promise<void>;
}

/** A TCP relay between the bridge and the fake that sees, on the wire, when the bridge drops an upstream connection. */
async function startUpstreamTap(): Promise<UpstreamTap> {
  let resolveTarget!: (port: number) => void;
  const targetPort = new Promise<number>((resolve) => (resolveTarget = resolve));
  const connections: TappedConnection[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((fromBridge) => {
    const conn: TappedConnection = { lastDownAt: 0 };
    connections.push(conn);
    sockets.add(fromBridge);
    fromBridge.on('error', () => undefined);
    fromBridge.on('close', () => {
      conn.closedAt = Date.now();
      sockets.delete(fromBridge);
    });
    void targetPort.then((port) => {
      const toFake = net.connect(port, '127.0.0.1');
      sockets.add(toFake);
      toFake.on('error', () => undefined);
      toFake.on('data', () => (conn.lastDownAt = Date.now()));
      toFake.on('close', () => {
        sockets.delete(toFake);
        fromBridge.destroy();
      });
      fromBridge.on('close', () => toFake.destroy());
      fromBridge.pipe(toFake);
      toFake.pipe(fromBridge);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections,
    target: resolveTarget,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function collectLog(harness: Harness): RequestLogEntry[] {
  const entries: RequestLogEntry[] = [];
  harness.bridge.log.subscribe((entry) => entries.push(entry));
  return entries;
}

/** Opens a paced chat stream, reads until the first text arrives, then aborts like a user pressing Stop. */
async function openAndAbort(client: OpenAI): Promise<number> {
  const stream = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'long answer please' }], stream: true });
  for await (const chunk of stream) {
    if (chunk.choices[0]?.delta.content) break;
  }
  // Leaving the loop early makes the SDK abort the HTTP request.
  return Date.now();
}

/**
 * An SDK client with its own connection pool, so closing it drops every client-side socket: what stays open on the
 * bridge's side afterwards is the bridge's doing.
 */
function ownClient(harness: Harness): { client: OpenAI; close(): Promise<void> } {
  const agent = new Agent();
  const client = new OpenAI({
    baseURL: `${harness.bridge.baseUrl}/v1`,
    apiKey: 'bridge',
    maxRetries: 0,
    fetch: undiciFetch as unknown as typeof fetch,
    fetchOptions: { dispatcher: agent } as Record<string, unknown>,
  });
  return { client, close: () => agent.close() };
}

/** Live timers created while it was enabled, unref'd ones included (process.getActiveResourcesInfo skips those). */
function trackTimers(): { live(): number; stop(): void } {
  const live = new Set<number>();
  const hook = createHook({
    init(id, type) {
      if (type === 'Timeout') live.add(id);
    },
    destroy(id) {
      live.delete(id);
    },
  });
  hook.enable();
  return { live: () => live.size, stop: () => hook.disable() };
}

const openSockets = (): number => process.getActiveResourcesInfo().filter((type) => type === 'TCPSocketWrap').length;

/** Accepted sockets still open on a local server port (the server side of a connection is always ref'd). */
function acceptedSockets(port: number): number {
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
  return handles.filter((handle) => handle instanceof net.Socket && !handle.destroyed && handle.localPort === port).length;
}

v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

async function settledHeap(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    await sleep(20);
    gc();
  }
  return process.memoryUsage().heapUsed;
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await sleep(25);
  }
  return condition();
}

describe('client disconnects', () => {
  it('aborts the upstream request at once when the client drops a paced stream after its first chunk', async () => {
    proxy = await startUpstreamTap();
    h = await startHarness({ env: { CODEX_BRIDGE_UPSTREAM: `http://127.0.0.1:${proxy.port}/backend-api` } });
    proxy.target(Number(new URL(h.fake.origin).port));
    const log = collectLog(h);
    // 200 deltas 20 ms apart: four seconds of output if nobody stops it.
    h.fake.enqueue({ kind: 'paced', deltas: 200, intervalMs: 20 });

    const abortedAt = await openAndAbort(h.client);
    await sleep(300);

    const streamed = proxy.connections.reduce((a, b) => (b.lastDownAt > a.lastDownAt ? b : a));
    expect(streamed.closedAt).toBeDefined();
    expect(streamed.closedAt! - abortedAt).toBeLessThan(150);
    // Nothing more came from the backend once it had time to notice.
    for (const conn of proxy.connections) expect(conn.lastDownAt).toBeLessThan(abortedAt + 100);

    // The log says what happened: the client left (nginx's 499), not a normal 200.
    expect(await waitUntil(() => log.length > 0, 1_000)).toBe(true);
    const [aborted] = log;
    expect({ status: aborted!.status, error: aborted!.error }).toEqual({ status: 499, error: 'client disconnected' });
    expect(aborted!.latencyMs).toBeLessThan(1_500);

    const started = Date.now();
    const next = await h.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'still there?' }] });
    expect(next.choices[0]!.message.content).toContain('still there?');
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('opens and aborts 500 streams without leaking sockets, timers, listeners or memory', async () => {
    h = await startHarness();
    const harness = h;
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning);
    process.on('warning', onWarning);
    /** `rounds` batches of 50 concurrent streams, each aborted after its first text, through a pool closed afterwards. */
    const storm = async (rounds: number): Promise<void> => {
      const { client, close } = ownClient(harness);
      for (let round = 0; round < rounds; round++) {
        harness.fake.enqueue(...Array.from({ length: 50 }, () => ({ kind: 'paced', deltas: 100, intervalMs: 20 }) as const));
        await Promise.all(Array.from({ length: 50 }, () => openAndAbort(client)));
      }
      await close();
    };
    try {
      // Warm-up: lazy modules, JIT and the catalog cache reach their steady state.
      await storm(1);
      await sleep(200);
      const baselineSockets = openSockets();
      const baselineHeap = await settledHeap();
      const timers = trackTimers();

      await storm(10);

      const bridgePort = harness.bridge.address.port;
      const fakePort = Number(new URL(harness.fake.origin).port);
      const settled = (): boolean =>
        timers.live() <= 3 && acceptedSockets(bridgePort) === 0 && acceptedSockets(fakePort) <= 2 && openSockets() <= baselineSockets;
      // undici may open a few spare upstream connections during a burst; it drops them within ~3 s.
      await waitUntil(settled, 5_000);
      timers.stop();
      expect(timers.live()).toBeLessThanOrEqual(3);
      // Every client connection is gone (the client closed its pool), and the bridge holds no upstream connection.
      expect(acceptedSockets(bridgePort)).toBe(0);
      expect(acceptedSockets(fakePort)).toBeLessThanOrEqual(2);
      expect(openSockets()).toBeLessThanOrEqual(baselineSockets);
      expect((await settledHeap()) - baselineHeap).toBeLessThan(8 * 1024 * 1024);
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);

      const entries = harness.bridge.log.recent().slice(-500);
      expect(entries.every((e) => e.stream && (e.chunks ?? 0) < 10)).toBe(true);
      const answer = await harness.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'after the storm' }] });
      expect(answer.choices[0]!.message.content).toContain('after the storm');
    } finally {
      process.off('warning', onWarning);
    }
  });
});
