/**
 * The desktop window, for real: the renderer as `npm run build` makes it, in Debian's Chromium (playwright-core),
 * with `window.bridge` backed by the real core (BridgeService on a real bridge in front of the fake backend) instead
 * of a canned mock. Only what Electron itself would do is faked: the clipboard and login items (DesktopHost), the
 * tunnel provider (a real forwarding proxy, FakeTunnelProvider) and the "is Cursor running?" probe.
 *
 * The tests share one page and run in order: the Cursor tests need the tunnel the tunnel test turns on.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
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
import { buildRenderer, startWindowRpc, type WindowRpc } from '../support/window-rpc.js';

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
      app: { env: { PATH: binDir, CODEX_BRIDGE_CURSOR_DB: cursorDb }, tunnelProvider: tunnel, cursorProbe: cursorApp, loginItem: host.loginItem },
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
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => pageProblems.push(`pageerror: ${error.message}`));
  // CSP violations are reported on the console as errors.
  page.on('console', (message) => {
    if (message.type() === 'error') pageProblems.push(`console: ${message.text()}`);
  });
  await page.goto(rpc.url);
  await page.getByRole('heading', { name: 'Codex Cursor Bridge' }).waitFor();
});

afterAll(async () => {
  await context?.close();
  await rpc?.close();
  await harness?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function card(title: string): Locator {
  return page.getByRole('region', { name: title });
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
    const header = await textOf(page.locator('.app-header'));
    expect(header).toContain(`v${(await service.getSnapshot()).version}`);
    expect(header).toContain(`${harness.baseUrl}/v1`);
  });

  it('validates RPC calls like the main process does', async () => {
    const post = (method: string, body: string) => fetch(`${rpc.url}rpc/${method}`, { method: 'POST', body });
    const wrongType = await post('setTunnel', '["yes"]');
    expect(wrongType.status).toBe(400);
    expect(await wrongType.json()).toEqual({ ok: false, error: { message: 'bridge:set-tunnel: expected a boolean' } });
    expect((await post('readFile', '[]')).status).toBe(404);
    expect((await post('getToken', '["extra"]')).status).toBe(400);
  });

  it('shows the prerequisite checks (a missing Codex CLI is only a note), and Re-check runs them again', async () => {
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
  });

  it('shows who is signed in and on which plan', async () => {
    const login = await textOf(card('ChatGPT login'));
    expect(login).toContain('Signed in as dev@example.com');
    expect(login).toContain('Pro');
    expect(login).toContain('token valid until');
    const limits = card('ChatGPT login').getByRole('group', { name: 'Usage limits' });
    await pollText(limits).toMatch(/5h limit: 10 % used · resets .+Weekly limit: 5 % used · resets /);
    const meters = await limits.locator('meter').all();
    expect(await Promise.all(meters.map((meter) => meter.getAttribute('value')))).toEqual(['10', '5']);
  });

  it('masks the token, copies the real one to the clipboard, and rotates it after a confirm step', async () => {
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
  });

  it('previews, configures and undoes Cursor in its real database', async () => {
    const panel = card('Cursor');
    const outcome = panel.getByRole('status', { name: 'Cursor outcome' });
    const before = readApplicationUser(cursorDb);
    const publicV1 = `${tunnel.publicUrl}/v1`;

    await panel.getByRole('button', { name: 'Preview' }).click();
    await pollText(outcome).toContain(`Configuring Cursor would change ${cursorDb}:`);
    expect(await textOf(outcome.locator('.diff'))).toContain(publicV1);
    expect(readApplicationUser(cursorDb)).toEqual(before);

    await panel.getByRole('button', { name: 'Configure Cursor' }).click();
    await pollText(outcome).toContain(`Cursor now uses the bridge at ${publicV1}`);
    expect(cursorBaseUrl()).toBe(publicV1);

    await panel.getByRole('button', { name: 'Undo' }).click();
    await pollText(outcome).toContain(`Restored Cursor's previous settings in ${cursorDb}.`);
    expect(readApplicationUser(cursorDb)).toEqual(before);
  });

  it('while Cursor runs, asks to quit it and applies by itself once it has; Cancel stops the retries', async () => {
    const panel = card('Cursor');
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
    expect(await textOf(panel.getByRole('status', { name: 'Cursor outcome' }))).toContain('Stopped waiting for Cursor to quit; nothing was changed.');
    const probesAtCancel = cursorApp.probes;
    cursorApp.running = false;
    await new Promise((resolve) => setTimeout(resolve, CURSOR_RETRY_WAIT_MS));
    expect(cursorApp.probes).toBe(probesAtCancel);
    expect(cursorBaseUrl()).toBe(`${tunnel.publicUrl}/v1`);
  });

  it('shows a request made with the openai SDK in the live log within a second, newest first', async () => {
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
    const newest = card('Live requests').locator('tbody tr').first();
    await expect.poll(() => textOf(newest), { timeout: 1000 }).toContain('bridge-fast →');
    expect(Date.now() - finishedAt).toBeLessThan(1000);

    const [logged] = (await service.recentLog()).slice(-1);
    const cells = await newest.locator('td').allTextContents();
    expect(cells[1]).toBe('POST /v1/chat/completions');
    expect(cells[2]).toBe('200');
    expect(await newest.locator('.status').getAttribute('class')).toBe('status status-ok');
    expect(cells[4]).toBe(`bridge-fast → ${logged!.upstreamModel}`);
    expect(cells[5]).toBe('2 / 0');
    expect(Number(cells[6])).toBeGreaterThan(0);
    expect(await textOf(card('Live requests').locator('tbody tr').nth(1))).toContain('bridge-pro-high →');
  });

  it('toggles start at login through the host', async () => {
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
