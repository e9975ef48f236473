import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bridgeSnapshotSchema, inFlightRowSchema, usageReportViewSchema, validateArgs, type BridgeSnapshot, type InFlightRow, type LogRow } from '../../shared/bridge-api.js';
import { startAppHarness, type AppHarness } from '../../test/support/app-harness.js';
import { readApplicationUser, realisticApplicationUser } from '../../test/support/cursor-fixture.js';
import { FakeTunnelProvider } from '../../test/support/fake-tunnel.js';
import type { BridgeApi } from '../../shared/bridge-api.js';
import { createWindowApi } from './window-api.js';

let h: AppHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function fakeHost() {
  let atLogin = false;
  const copied: string[] = [];
  return {
    copied,
    copyText: (text: string) => void copied.push(text),
    loginItem: { isEnabled: () => atLogin, setEnabled: (enabled: boolean) => (atLogin = enabled) },
  };
}

/** The user's own OpenAI base URL in Cursor before the bridge touched it: undo must bring exactly this back. */
const PREVIOUS_BASE_URL = 'https://llm-proxy.example.invalid/v1';

async function setUp(cursorRunning = false): Promise<{
  harness: AppHarness;
  service: BridgeApi;
  host: ReturnType<typeof fakeHost>;
  tunnelProvider: FakeTunnelProvider;
  dbPath: string;
  probe: { running: boolean; isCursorRunning(): Promise<boolean> };
}> {
  const host = fakeHost();
  const tunnelProvider = new FakeTunnelProvider();
  const probe = { running: cursorRunning, isCursorRunning: async () => probe.running };
  h = await startAppHarness({
    cursor: { applicationUser: { ...realisticApplicationUser(), openAIBaseUrl: PREVIOUS_BASE_URL } },
    app: { tunnelProvider, cursorProbe: probe, loginItem: host.loginItem },
  });
  const dbPath = h.cursorDb;
  const service = createWindowApi(h.app, host);
  return { harness: h, service, host, tunnelProvider, dbPath, probe };
}

describe('the window API on the running core', () => {
  it('reports the snapshot, aliases, checks and the live log from the real core', async () => {
    const { harness, service } = await setUp();
    const snapshot = await service.getSnapshot();
    expect(snapshot.localUrl).toBe(`${harness.baseUrl}/v1`);
    expect(snapshot.login).toMatchObject({ state: 'ok', email: 'dev@example.com', plan: 'Pro' });
    expect(snapshot.tunnel.state).toBe('off');
    // The reply is the contract's view and nothing more: the core's own fields (raw plan, tunnel base URL) stay home.
    expect(bridgeSnapshotSchema.strict().parse(snapshot)).toEqual(snapshot);
    expect(snapshot.login).not.toHaveProperty('planType');
    expect(snapshot.tunnel).not.toHaveProperty('publicUrl');
    const aliases = await service.listAliases();
    expect(aliases.find((row) => row.alias === 'bridge-pro-high')).toMatchObject({ slug: 'gpt-6.2-astra', effort: 'high' });
    expect(aliases[0]).not.toHaveProperty('role');
    const checks = await service.runChecks();
    expect(checks.find((check) => check.id === 'codex-cli')).toMatchObject({ ok: true, detail: expect.stringContaining('not installed') });
    expect(checks.find((check) => check.id === 'upstream')).toMatchObject({ ok: true });

    const rows: LogRow[] = [];
    // Stays subscribed: once it has the second row, the unsubscribed listener would have had it too.
    const control: LogRow[] = [];
    service.onLog((row) => control.push(row));
    const unsubscribe = service.onLog((row) => rows.push(row));
    await harness.client.chat.completions.create({ model: 'bridge-mini', messages: [{ role: 'user', content: 'log me' }] });
    await vi.waitFor(() => expect(rows).toHaveLength(1));
    unsubscribe();
    await harness.client.chat.completions.create({ model: 'bridge-mini', messages: [{ role: 'user', content: 'not me' }] });
    await vi.waitFor(() => expect(control).toHaveLength(2));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ path: '/v1/chat/completions', status: 200, model: 'bridge-mini' });
    expect((await service.recentLog()).length).toBe(2);
  });

  it('pushes the in-flight list as a request starts and finishes, and answers the history and usage requests', async () => {
    const { harness, service } = await setUp();
    const pushed: InFlightRow[][] = [];
    const unsubscribe = service.onInFlight((rows) => pushed.push(rows));
    harness.fake.enqueue({ kind: 'stall', ms: 600 });
    const answer = harness.client.chat.completions.create({ model: 'bridge-mini', messages: [{ role: 'user', content: 'in flight' }] });
    await vi.waitFor(() => expect(pushed.some((rows) => rows[0]?.model === 'bridge-mini')).toBe(true));
    expect(await service.inFlightRequests()).toEqual([expect.objectContaining({ path: '/v1/chat/completions', model: 'bridge-mini', phase: 'waiting' })]);
    await answer;
    await vi.waitFor(() => expect(pushed.at(-1)).toEqual([]));
    unsubscribe();
    expect(inFlightRowSchema.array().parse(pushed.flat())).toEqual(pushed.flat());
    // The history recorder writes in batches off the request path (within a second).
    const finished = (await service.recentLog()).at(-1)!;
    await vi.waitFor(async () => expect((await service.requestHistory(10, null)).map((row) => row.id)).toEqual([finished.id]), { timeout: 3000 });
    const report = await service.usageReport(7);
    expect(usageReportViewSchema.strict().parse(report)).toEqual(report);
    expect(report).toMatchObject({ days: 7, total: { requests: 1, inputTokens: finished.promptTokens } });
    expect(() => validateArgs('requestHistory', [0, null])).toThrow('bridge:request-history: expected a whole number from 1 to 500');
    expect(() => validateArgs('usageReport', [7.5])).toThrow('bridge:usage-report: expected a whole number of days from 1 to 90');
  });

  it('shows the usage limits: from the usage page at first, then from each answer, pushed to an open window', async () => {
    const { harness, service } = await setUp();
    const first = await service.getSnapshot();
    expect(first.limits).toMatchObject({ limitReached: false, windows: [{ label: '5h', usedPercent: 10 }, { label: 'weekly', usedPercent: 5 }] });
    expect(Date.parse(first.limits!.windows[0]!.resetsAt!)).toBeGreaterThan(Date.now());
    const usagePageCalls = () => harness.fake.requests.filter((request) => request.path === '/backend-api/wham/usage').length;
    expect(usagePageCalls()).toBe(1);

    const pushed: BridgeSnapshot[] = [];
    service.onSnapshot((snapshot) => pushed.push(snapshot));
    harness.fake.rateLimits.primaryUsedPercent = 42.5;
    await harness.client.chat.completions.create({ model: 'bridge-mini', messages: [{ role: 'user', content: 'use some' }] });
    await expect.poll(() => pushed.at(-1)?.limits?.windows[0]?.usedPercent).toBe(42.5);
    expect((await service.getSnapshot()).limits?.windows[0]?.usedPercent).toBe(42.5);
    expect(usagePageCalls()).toBe(1);
  });

  it('learns a reached limit from the 429 itself, without asking the usage page again', async () => {
    const { harness, service } = await setUp();
    await service.getSnapshot();
    harness.fake.enqueue({ kind: 'usage_limit', planType: 'pro', resetsInSeconds: 600 });
    await expect(harness.client.chat.completions.create({ model: 'bridge-mini', messages: [{ role: 'user', content: 'x' }] })).rejects.toThrow();
    const limits = (await service.getSnapshot()).limits;
    expect(limits?.limitReached).toBe(true);
    expect(harness.fake.requests.filter((request) => request.path === '/backend-api/wham/usage')).toHaveLength(1);
  });

  it('copies through the host, rotates the token for new requests at once, toggles start at login', async () => {
    const { harness, service, host } = await setUp();
    const before = await service.getToken();
    await service.copyText(before);
    expect(host.copied).toEqual([before]);
    const after = await service.rotateToken();
    expect(after).not.toBe(before);
    expect(await service.getToken()).toBe(after);
    expect(harness.app.token()).toBe(after);
    expect(await service.setStartAtLogin(true)).toBe(true);
    expect((await service.getSnapshot()).startAtLogin).toBe(true);
  });

  it('turns the tunnel on and off, remembers it, and configures and un-configures Cursor through it', async () => {
    const { harness, service, tunnelProvider, dbPath } = await setUp();
    const snapshots: BridgeSnapshot[] = [];
    service.onSnapshot((snapshot) => snapshots.push(snapshot));

    const offline = await service.configureCursor(false);
    expect(offline.ok).toBe(false);
    expect(offline.message).toContain('tunnel');

    const view = await service.setTunnel(true);
    expect(view).toMatchObject({ state: 'online', url: `${tunnelProvider.publicUrl}/v1` });
    expect(harness.app.state.get().server.tokenRequired).toBe(true);
    expect(settingsOf(harness).tunnel?.enabled).toBe(true);

    const before = readApplicationUser(dbPath) as { openAIBaseUrl?: string };
    expect(before.openAIBaseUrl).toBe(PREVIOUS_BASE_URL);
    const preview = await service.configureCursor(true);
    expect(preview.ok).toBe(true);
    expect(preview.diff.join('\n')).toContain('openAIBaseUrl');
    expect((readApplicationUser(dbPath) as { openAIBaseUrl?: string }).openAIBaseUrl).not.toBe(view.url);

    const applied = await service.configureCursor(false);
    expect(applied).toMatchObject({ ok: true, cursorRunning: false });
    expect((readApplicationUser(dbPath) as { openAIBaseUrl?: string }).openAIBaseUrl).toBe(view.url);

    const undone = await service.undoCursor();
    expect(undone.ok).toBe(true);
    expect(readApplicationUser(dbPath)).toEqual(before);

    const off = await service.setTunnel(false);
    expect(off.state).toBe('off');
    expect(harness.app.state.get().server.tokenRequired).toBe(false);
    expect(settingsOf(harness).tunnel?.enabled).toBe(false);
    await vi.waitFor(() => expect(snapshots.at(-1)?.tunnel.state).toBe('off'));
    expect(snapshots.some((snapshot) => snapshot.tunnel.state === 'online')).toBe(true);
  });

  it('while Cursor runs, waits for it to quit (the wait is in the snapshot) and applies by itself; cancel stops it', async () => {
    const { service, probe } = await setUp(true);
    await service.setTunnel(true);
    const snapshots: BridgeSnapshot[] = [];
    service.onSnapshot((snapshot) => snapshots.push(snapshot));
    const applying = service.configureCursor(false);
    await vi.waitFor(() => expect(snapshots.at(-1)?.cursorWait).toMatchObject({ attempt: 1, maxAttempts: 60, retryEveryMs: 2000 }));
    probe.running = false;
    expect(await applying).toMatchObject({ ok: true, cursorRunning: false });
    await vi.waitFor(() => expect(snapshots.at(-1)?.cursorWait).toBeUndefined());

    probe.running = true;
    const undoing = service.undoCursor();
    await vi.waitFor(() => expect(snapshots.at(-1)?.cursorWait?.attempt).toBe(1));
    await service.cancelCursorWait();
    expect(await undoing).toMatchObject({ ok: false, message: 'Stopped waiting for Cursor to quit; nothing was changed.' });
  });
});

describe('tunnel switches in quick succession', () => {
  it('never leaves a public tunnel without the token requirement or with a stale status', async () => {
    const { harness, service, tunnelProvider } = await setUp();
    await service.setTunnel(true);
    // The tray checkbox can fire again before the previous switch finished.
    const [, , last] = await Promise.all([service.setTunnel(false), service.setTunnel(true), service.setTunnel(true)]);
    expect(last.state).toBe('online');
    expect(harness.app.state.get().server.tokenRequired).toBe(true);
    expect((await service.getSnapshot()).tunnel).toMatchObject({ state: 'online', url: `${tunnelProvider.publicUrl}/v1` });
    const viaTunnel = await fetch(`${tunnelProvider.localUrl}/v1/models`);
    expect(viaTunnel.status).toBe(401);
    const withToken = await fetch(`${tunnelProvider.localUrl}/v1/models`, { headers: { authorization: `Bearer ${harness.app.token()}` } });
    expect(withToken.status).toBe(200);
  });
});

function settingsOf(harness: AppHarness): { tunnel?: { enabled?: boolean }; startAtLogin?: boolean } {
  return JSON.parse(readFileSync(path.join(harness.dir, 'bridge-home', 'settings.json'), 'utf8')) as { tunnel?: { enabled?: boolean } };
}
