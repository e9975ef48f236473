/**
 * The desktop window, for real: the renderer as `npm run build` makes it, in Debian's Chromium (playwright-core),
 * with `window.bridge` backed by the real core (BridgeService on a real bridge in front of the fake backend) instead
 * of a canned mock. Only what Electron itself would do is faked: the clipboard and login items (DesktopHost), the
 * tunnel provider (a real forwarding proxy, FakeTunnelProvider) and the "is Cursor running?" probe.
 *
 * The tests share one page and run in order: the Cursor tests need the tunnel the tunnel test turns on.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWindowApi } from '../../main/electron/window-api.js';
import { ALIASES } from '../../main/models/aliases.js';
import { REQUEST_CHANNELS, type BridgeApi } from '../../shared/bridge-api.js';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { createCursorFixture, readApplicationUser } from '../support/cursor-fixture.js';
import { FakeTunnelProvider } from '../support/fake-tunnel.js';
import { buildRenderer, closeWindowTest, openWindowPage, startWindowRpc, type WindowRpc } from '../support/window-rpc.js';

/** Debian's Chromium, offline: no sandbox (root in a container), no GPU, and nothing that phones home. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const STRICT_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'";
/** The core's retry period for a write Cursor blocks (CURSOR_RETRY_EVERY_MS), plus slack. */
const CURSOR_RETRY_WAIT_MS = 2000 + 1500;

/** The clipboard and login item Electron would give. */
class FakeDesktopHost {
  readonly copied: string[] = [];
  atLogin = false;
  copyText(text: string): void {
    this.copied.push(text);
  }
  readonly loginItem = {
    isEnabled: (): boolean => this.atLogin,
    setEnabled: (enabled: boolean): boolean => (this.atLogin = enabled),
  };
}

/** Says what the test sets, and counts how often the core asked. */
const cursorApp = {
  running: false,
  probes: 0,
  async isCursorRunning(): Promise<boolean> {
    cursorApp.probes += 1;
    return cursorApp.running;
  },
};

let dir: string;
let binDir: string;
let rendererDir: string;
let cursorDb: string;
let harness: AppHarness;
let service: BridgeApi;
let rpc: WindowRpc;
let context: BrowserContext;
let page: Page;
const host = new FakeDesktopHost();
const tunnel = new FakeTunnelProvider();
const pageProblems: string[] = [];
const CHROMIUM = '/usr/bin/chromium';

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`The window tests drive Debian's Chromium at ${CHROMIUM}: install it with \`apt-get install chromium\`.`);
  dir = await mkdtemp(path.join(os.tmpdir(), 'bridge-window-'));
  binDir = path.join(dir, 'bin');
  rendererDir = path.join(dir, 'renderer');
  await Promise.all([mkdir(binDir), mkdir(path.join(dir, 'cursor'))]);
  cursorDb = createCursorFixture(path.join(dir, 'cursor'));
  [harness, context] = await Promise.all([
    startAppHarness({
      // PATH holds no `codex` yet: the Codex CLI check fails until a test puts one there.
      app: { env: { PATH: binDir, CODEX_BRIDGE_CURSOR_DB: cursorDb }, tunnelProvider: tunnel, fetchPublic: tunnel.fetch, cursorProbe: cursorApp, loginItem: host.loginItem },
    }),
    chromium.launchPersistentContext(path.join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 900 },
    }),
    buildRenderer(rendererDir),
  ]);
  service = createWindowApi(harness.app, host);
  rpc = await startWindowRpc({ service, rendererDir });
  page = await openWindowPage(context, rpc.url, pageProblems);
});

afterAll(() => closeWindowTest({ context, rpc, harness, dir }));

function card(title: string): Locator {
  return page.getByRole('region', { name: title });
}

/** Moves to a section of the window (Overview, Requests, Models, Settings). */
async function open(section: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: section }).click();
  await page.getByRole('main', { name: section }).waitFor();
}

async function textOf(locator: Locator): Promise<string> {
  return (await locator.textContent()) ?? '';
}

function pollText(locator: Locator, timeout = 3000) {
  return expect.poll(() => textOf(locator), { timeout });
}

function cursorBaseUrl(): unknown {
  return readApplicationUser(cursorDb).openAIBaseUrl;
}

describe('the desktop window against the real core', () => {
  it('is the built page with a strict CSP and relative assets, and sees exactly the BridgeApi', async () => {
    const built = await readFile(path.join(rendererDir, 'index.html'), 'utf8');
    expect(built).toContain(`content="${STRICT_CSP}"`);
    expect(built).toMatch(/<script type="module" crossorigin src="\.\/assets\/[^"]+\.js"><\/script>/);
    expect(built).not.toContain('bridge-shim');

    const exposed = await page.evaluate('Object.keys(window.bridge).sort()');
    expect(exposed).toEqual([...Object.keys(REQUEST_CHANNELS), 'onInFlight', 'onLog', 'onSnapshot'].sort());
    expect(await textOf(page.getByTestId('status-title'))).toBe('Ready');
    expect(await textOf(page.locator('.top-bar'))).toContain(`${harness.baseUrl}/v1`);
  });

  it('validates RPC calls like the main process does', async () => {
    const post = (method: string, body: string) => fetch(`${rpc.url}rpc/${method}`, { method: 'POST', body });
    const wrongType = await post('setTunnel', '["yes"]');
    expect(wrongType.status).toBe(400);
    expect(await wrongType.json()).toEqual({ ok: false, error: { message: 'bridge:set-tunnel: expected a boolean' } });
    expect((await post('readFile', '[]')).status).toBe(404);
    expect((await post('getToken', '["extra"]')).status).toBe(400);
  });

  it('shows the prerequisite checks collapsed when all pass (a missing Codex CLI is only a note), and Re-check runs them again', async () => {
    const disclosure = card('Prerequisites').locator('details');
    await pollText(disclosure.locator('summary')).toMatch(/^All \d+ checks pass\.$/);
    expect(await disclosure.getAttribute('open')).toBeNull();
    await disclosure.locator('summary').click();
    const codexCheck = card('Prerequisites').locator('[data-check="codex-cli"]');
    await expect.poll(() => textOf(codexCheck)).toContain('not installed (not needed');
    expect(await codexCheck.getAttribute('class')).toBe('check check-ok');
    expect(await textOf(card('Prerequisites').locator('[data-check="auth-file"]'))).toContain(harness.authPath);

    const codex = path.join(binDir, 'codex');
    await writeFile(codex, '#!/bin/sh\n');
    await chmod(codex, 0o755);
    await card('Prerequisites').getByRole('button', { name: 'Re-check' }).click();
    await expect.poll(() => textOf(codexCheck)).toContain(codex);
    expect(await textOf(codexCheck)).not.toContain('Fix:');
  });

  it('lists the nine core aliases (and the optional ones the catalog allows) with the live upstream models', async () => {
    const aliases = await service.listAliases();
    const coreAliases = ALIASES.filter((definition) => !definition.optional).map((definition) => definition.alias);
    expect(coreAliases).toHaveLength(9);
    expect(aliases.map((row) => row.alias)).toEqual(expect.arrayContaining(coreAliases));
    await open('Models');
    const models = card('Models');
    await expect.poll(() => models.locator('tbody tr').count()).toBe(aliases.length);
    expect(await textOf(models.locator('.card-header'))).toContain('live catalog');
    for (const row of aliases) {
      const cells = await models.locator(`tr[data-alias="${row.alias}"] td`).allTextContents();
      expect(cells[1]).toBe(row.slug);
      expect(cells[2]).toBe(row.effort);
      expect(cells[3]).toBe(row.serviceTier === 'priority' ? 'priority' : 'standard');
    }
    expect(new Set(aliases.map((row) => row.slug)).size).toBeGreaterThan(1);
    // Defect 11: the source is said once (the title), no empty Note column.
    expect(await models.locator('thead th').allTextContents()).toEqual(['Alias', 'Upstream model', 'Effort', 'Tier']);
    expect(await textOf(models.locator('tbody'))).not.toContain('catalog');
    await open('Overview');
  });

  it('shows who is signed in and on which plan, with the limits in local time', async () => {
    const login = await textOf(card('ChatGPT account'));
    expect(login).toContain('Signed in as dev@example.com');
    expect(login).toContain('Pro');
    expect(await card('ChatGPT account').getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
    const limits = card('ChatGPT account').getByRole('group', { name: 'Usage limits' });
    // Defect 6: one time format, local and relative, never ISO UTC: the core's (shared/time-text.ts), as in the CLI card.
    await pollText(limits).toMatch(
      /5h limit: 10 % used · resets at \d\d:\d\d(?: on \d+ \w+)? \(in \d+ min\)\s*Weekly limit: 5 % used · resets at \d\d:\d\d on \d+ \w+ \(in (?:1 day|23 h \d+ min)\)/,
    );
    expect(await textOf(page.locator('body'))).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:/);
    const meters = await limits.locator('meter').all();
    expect(await Promise.all(meters.map((meter) => meter.getAttribute('value')))).toEqual(['10', '5']);

    // Where a window is heading at the recent pace (the core reads it from the usage history) shows under the bars.
    harness.app.state.update((state) => ({ ...state, forecasts: [{ label: '5h', text: 'at this pace the 5h window runs out at 14:20 (in 1 h)' }] }));
    await pollText(limits).toContain('At this pace the 5h window runs out at 14:20 (in 1 h).');
    harness.app.state.update((state) => ({ ...state, forecasts: [] }));
    await pollText(limits).not.toContain('At this pace');
  });

  it('masks the token, copies the real one to the clipboard, and rotates it after a confirm step', async () => {
    await open('Settings');
    const panel = card('Bridge token');
    const shown = panel.getByTestId('bridge-token');
    const original = harness.app.token();
    await pollText(shown).toMatch(/^•+$/);

    await panel.getByRole('button', { name: 'Copy token' }).click();
    await expect.poll(() => host.copied.at(-1)).toBe(original);
    await panel.getByRole('button', { name: 'Show' }).click();
    await pollText(shown).toBe(original);

    await panel.getByRole('button', { name: 'Rotate…' }).click();
    expect(harness.app.token()).toBe(original);
    await panel.getByRole('alertdialog').getByRole('button', { name: 'Rotate token' }).click();
    await expect.poll(() => harness.app.token()).not.toBe(original);
    const rotated = harness.app.token();
    await pollText(shown).toBe(rotated);
    await panel.getByRole('button', { name: 'Copy token' }).click();
    await expect.poll(() => host.copied.at(-1)).toBe(rotated);
    await panel.getByRole('button', { name: 'Hide' }).click();
  });

  it('turns the public tunnel on: online, the public …/v1 URL, and the token becomes required', async () => {
    const panel = card('Public tunnel');
    expect(await textOf(panel.getByTestId('tunnel-state'))).toBe('Off');
    expect(await textOf(card('Bridge token'))).toContain('Not required from this computer');

    await page.getByRole('switch', { name: 'Public tunnel' }).click();
    await pollText(panel.getByTestId('tunnel-state')).toBe('Online');
    expect(tunnel.publicUrl).toMatch(/^https:\/\/fake-\d+\.ngrok-free\.app$/);
    await pollText(panel.getByTestId('tunnel-url')).toBe(`${tunnel.publicUrl}/v1`);
    expect(await page.getByRole('switch', { name: 'Public tunnel' }).isChecked()).toBe(true);
    await pollText(card('Bridge token')).toContain('Required: clients send it');
    expect(harness.app.state.get().server.tokenRequired).toBe(true);

    await panel.getByRole('button', { name: 'Copy public URL' }).click();
    await expect.poll(() => host.copied.at(-1)).toBe(`${tunnel.publicUrl}/v1`);
    await open('Overview');
  });

  it('Connect Cursor: plain-words preview with the raw diff behind a disclosure, configure, the token right there, a test request, undo', async () => {
    const panel = card('Connect Cursor');
    const outcome = panel.getByRole('status', { name: 'Cursor outcome' });
    const before = readApplicationUser(cursorDb);
    const publicV1 = `${tunnel.publicUrl}/v1`;
    const steps = panel.locator('.step');
    expect(await steps.evaluateAll((items) => items.map((item) => item.getAttribute('data-step-state')))).toEqual(['done', 'done', 'current', 'todo', 'todo']);

    await panel.getByRole('button', { name: 'Preview' }).click();
    // Defect 5: plain words first, nothing green, the raw diff only when asked for.
    await pollText(outcome.locator('.summary')).toBe(`Sets the base URL to ${publicV1}, turns the OpenAI key on, adds 11 models.`);
    expect(await outcome.getAttribute('class')).toBe('outcome outcome-neutral');
    expect(await outcome.locator('.diff').isVisible()).toBe(false);
    await outcome.getByText('Exact changes').click();
    expect(await textOf(outcome.locator('.diff'))).toContain(publicV1);
    expect(readApplicationUser(cursorDb)).toEqual(before);

    await panel.getByRole('button', { name: 'Configure Cursor' }).click();
    await pollText(outcome).toContain(`Cursor now uses the bridge at ${publicV1}`);
    expect(cursorBaseUrl()).toBe(publicV1);
    await expect.poll(() => steps.nth(2).getAttribute('data-step-state')).toBe('done');

    // The token is copied right where the step asks for it.
    await panel.getByRole('button', { name: 'Copy token' }).click();
    await expect.poll(() => host.copied.at(-1)).toBe(harness.app.token());

    await panel.getByRole('button', { name: 'Send a test request' }).click();
    await pollText(panel.getByRole('status', { name: 'Test result' }), 5000).toMatch(/answered with \d+ models: Cursor can reach the bridge\./);
    expect(await steps.evaluateAll((items) => items.map((item) => item.getAttribute('data-step-state')))).toEqual(['done', 'done', 'done', 'done', 'done']);

    // Defect 5: after a reload the guide still knows Cursor is configured (from its database and the undo record).
    await page.reload();
    await expect.poll(() => steps.nth(2).getAttribute('data-step-state')).toBe('done');
    expect(await panel.getByRole('button', { name: 'Configure again' }).isVisible()).toBe(true);

    await panel.getByRole('button', { name: 'Undo' }).click();
    await pollText(outcome).toContain(`Restored Cursor's previous settings in ${cursorDb}.`);
    expect(readApplicationUser(cursorDb)).toEqual(before);
  });

  it('while Cursor runs, asks to quit it and applies by itself once it has; a Cancel is not shown as a failure', async () => {
    const panel = card('Connect Cursor');
    const waiting = panel.locator('.notice');
    cursorApp.running = true;
    await panel.getByRole('button', { name: 'Configure Cursor' }).click();
    await pollText(waiting).toContain('Quit Cursor to apply.');
    expect(await textOf(waiting)).toMatch(/attempt \d+ of 60/);
    expect(cursorBaseUrl()).toBeUndefined();

    cursorApp.running = false;
    await pollText(panel.getByRole('status', { name: 'Cursor outcome' }), CURSOR_RETRY_WAIT_MS).toContain('Cursor now uses the bridge at');
    expect(cursorBaseUrl()).toBe(`${tunnel.publicUrl}/v1`);

    cursorApp.running = true;
    await panel.getByRole('button', { name: 'Undo' }).click();
    await pollText(waiting).toContain('Quit Cursor to apply.');
    await waiting.getByRole('button', { name: 'Cancel' }).click();
    await waiting.waitFor({ state: 'detached' });
    const cancelled = panel.getByRole('status', { name: 'Cursor outcome' });
    expect(await textOf(cancelled)).toContain('Stopped waiting for Cursor to quit; nothing was changed.');
    expect(await cancelled.getAttribute('class')).toBe('outcome outcome-neutral');
    const probesAtCancel = cursorApp.probes;
    cursorApp.running = false;
    await new Promise((resolve) => setTimeout(resolve, CURSOR_RETRY_WAIT_MS));
    expect(cursorApp.probes).toBe(probesAtCancel);
    expect(cursorBaseUrl()).toBe(`${tunnel.publicUrl}/v1`);
  });

  it('shows a request made with the openai SDK in the request inspector within a second', async () => {
    const client = new OpenAI({ baseURL: `${harness.baseUrl}/v1`, apiKey: harness.app.token(), maxRetries: 0 });
    expect(rpc.eventStreams()).toBe(1);
    await client.chat.completions.create({ model: 'bridge-pro-high', messages: [{ role: 'user', content: 'first' }] });
    const stream = await client.chat.completions.create({
      model: 'bridge-fast',
      messages: [
        { role: 'system', content: 'Be terse.' },
        { role: 'user', content: 'second' },
      ],
      stream: true,
      stream_options: { include_usage: true },
    });
    for await (const _chunk of stream) {
      // Drain: the row is logged when the stream ends.
    }
    const finishedAt = Date.now();
    await open('Requests');
    const inspector = page.getByRole('region', { name: 'Request inspector' });
    const fast = inspector.locator('tbody tr[data-state="done"]', { hasText: 'bridge-fast' }).first();
    await expect.poll(() => textOf(fast), { timeout: 1000 }).toContain('200');
    expect(Date.now() - finishedAt).toBeLessThan(1000);

    const cells = await fast.locator('td').allTextContents();
    expect(cells[1]).toBe('bridge-fast');
    expect(cells[2]).toBe('200');
    expect(await fast.locator('.status').getAttribute('class')).toBe('status status-ok');
    expect(cells[3]).toBe('1');
    expect(await textOf(inspector.locator('tbody tr', { hasText: 'bridge-pro-high' }).first())).toContain('200');
  });

  it('toggles start at login through the host', async () => {
    await open('Settings');
    const toggle = page.getByRole('switch', { name: 'Start at login' });
    expect(await toggle.isChecked()).toBe(false);
    await toggle.click();
    await expect.poll(() => toggle.isChecked()).toBe(true);
    expect(host.atLogin).toBe(true);
    await toggle.click();
    await expect.poll(() => toggle.isChecked()).toBe(false);
    expect(host.atLogin).toBe(false);
  });

  it('renders without page errors or CSP violations, in one full-page screenshot', async () => {
    const shot = process.env.WINDOW_SCREENSHOT ?? path.join(dir, 'window.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect((await stat(shot)).size).toBeGreaterThan(20_000);
    expect(pageProblems).toEqual([]);
  });

  it('closes its event stream when the page goes away', async () => {
    await page.goto('about:blank');
    await expect.poll(() => rpc.eventStreams()).toBe(0);
  });
});
