/**
 * The settings form in the built window, in Debian's Chromium, on the real core (the window-rpc harness, as in
 * window.test.ts): every key of settings.json on screen, a refusal in words on its field, what needs a restart, and a
 * failed tunnel fixed from the form (authtoken entered, Retry → online through the fake tunnel provider).
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWindowApi } from '../../main/electron/window-api.js';
import { TunnelError, type TunnelProvider } from '../../main/tunnel/tunnel-provider.js';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { FakeTunnelProvider } from '../support/fake-tunnel.js';
import { buildRenderer, startWindowRpc, type WindowRpc } from '../support/window-rpc.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const AUTHTOKEN = '2abcNGROKtoken';

/** ngrok as a new user meets it: without an authtoken it fails (the user must act); with one, a real forwarding fake. */
const online = new FakeTunnelProvider();
const refused: TunnelProvider = {
  name: 'fake',
  start: () => Promise.reject(new TunnelError('ngrok needs an authtoken', { code: 'ngrok_authtoken_missing', hint: 'Enter your ngrok authtoken in Settings.', retryable: false })),
};

let dir: string;
let harness: AppHarness;
let rpc: WindowRpc;
let browser: Browser;
let page: Page;
const pageProblems: string[] = [];
let atLogin = false;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`The window tests drive Debian's Chromium at ${CHROMIUM}: install it with \`apt-get install chromium\`.`);
  dir = await mkdtemp(path.join(os.tmpdir(), 'settings-form-'));
  const rendererDir = path.join(dir, 'renderer');
  [harness, browser] = await Promise.all([
    startAppHarness({
      app: {
        tunnelProvider: (settings) => (settings.authtoken === AUTHTOKEN ? online : refused),
        loginItem: { isEnabled: () => atLogin, setEnabled: (enabled) => (atLogin = enabled) },
      },
    }),
    chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS }),
    buildRenderer(rendererDir),
  ]);
  rpc = await startWindowRpc({ service: createWindowApi(harness.app, { copyText: () => undefined }), rendererDir });
  page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  page.on('pageerror', (error) => pageProblems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') pageProblems.push(`console: ${message.text()}`);
  });
  // The form is in the window's Settings section.
  await page.goto(`${rpc.url}#settings`);
  await form().getByRole('button', { name: 'Save settings' }).waitFor();
});

afterAll(async () => {
  await browser?.close();
  await rpc?.close();
  await harness?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function form(): Locator {
  return page.getByRole('form', { name: 'Settings' });
}
/** settings.json as on disk ({} before the first save). */
function settingsFile(): Record<string, unknown> {
  const file = path.join(harness.dir, 'bridge-home', 'settings.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
}

describe('the settings form on the real core', () => {
  it('shows every key of settings.json with the value in force, and where secrets are kept', async () => {
    await expect.poll(() => form().getByLabel('Port', { exact: true }).inputValue()).toBe(String(harness.config.port));
    expect(await form().getByLabel('Listen address').inputValue()).toBe('127.0.0.1');
    expect(await form().getByLabel('Require the bridge token from local clients too').isChecked()).toBe(false);
    expect(await form().getByLabel(/^Allowed browser origins/).inputValue()).toBe('');
    expect(await form().getByLabel('Provider').inputValue()).toBe('ngrok');
    expect(await form().getByLabel(/^ngrok authtoken/).getAttribute('type')).toBe('password');
    expect(await form().getByLabel(/^Reserved domain/).inputValue()).toBe('');
    expect(await form().getByLabel('bridge-mini model slug').inputValue()).toBe('');
    expect(await form().getByLabel(/^Send reasoning summaries/).isChecked()).toBe(false);
    expect(await form().getByLabel('When the usage limit is reached').inputValue()).toBe('');
    expect(await form().getByLabel(/^Idle timeout \(seconds\)/).inputValue()).toBe('300');
    expect(await form().getByLabel('Keep usage history (days)').inputValue()).toBe('90');
    expect(await form().getByLabel('Start the bridge when I log in').isChecked()).toBe(false);
    expect(await form().getByTestId('secrets-storage').textContent()).toContain('kept in files only your user can read');
  });

  it('refuses a bad value in words on its field, and says what needs a restart', async () => {
    const days = form().getByLabel('Keep usage history (days)');
    await days.fill('0');
    await form().getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => form().getByRole('alert').textContent()).toBe('Not saved: "historyRetentionDays" must be a whole number of days, 1 or more (got 0)');
    expect(await days.getAttribute('aria-invalid')).toBe('true');
    expect(settingsFile().historyRetentionDays).toBeUndefined();

    await days.fill('30');
    await form().getByLabel('Port', { exact: true }).fill('7799');
    await form().getByLabel('bridge-mini effort').fill('high');
    await form().getByRole('button', { name: 'Save settings' }).click();
    await expect
      .poll(() => form().getByRole('status').textContent())
      .toBe('Saved. In force now: model overrides and history retention. Port: in force after the bridge restarts.');
    expect(settingsFile()).toMatchObject({ port: 7799, historyRetentionDays: 30, modelOverrides: { 'bridge-mini': { effort: 'high' } } });
  });

  it("routes Claude Code's model families: the mapping in force, changed from the form, used by /v1/messages at once", async () => {
    const sonnet = form().getByLabel('claude-sonnet-… runs on');
    expect(await sonnet.inputValue()).toBe('bridge-codex');
    await sonnet.selectOption('bridge-fast');
    await form().getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => form().getByRole('status').textContent()).toBe('Saved. In force now: Claude model mapping.');
    expect(settingsFile().claudeModels).toEqual({ opus: 'bridge-pro-high', sonnet: 'bridge-fast', haiku: 'bridge-mini' });
    const models = (await (await fetch(`${harness.baseUrl}/v1/models`)).json()) as { data: Array<{ id: string; owned_by?: string }> };
    expect(models.data.map((model) => model.id)).toContain('claude-sonnet');
    const served = await fetch(`${harness.baseUrl}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'any' },
      body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(served.status).toBe(200);
    expect(harness.app.state.get().requests.last?.model).toBe('bridge-fast');
  });

  it('a failed tunnel is fixed from the form: authtoken entered, Retry, online', async () => {
    await page.evaluate('window.bridge.setTunnel(true)');
    const failed = form().getByText('The tunnel failed: ngrok needs an authtoken');
    await failed.waitFor();
    await form().getByLabel(/^ngrok authtoken/).fill(AUTHTOKEN);
    await form().getByRole('button', { name: 'Save settings' }).click();
    await expect
      .poll(() => form().getByRole('status').textContent())
      .toBe('Saved. Ngrok authtoken: used when the tunnel next starts (press Retry, or turn it off and on).');
    expect(JSON.stringify(settingsFile())).not.toContain(AUTHTOKEN);
    expect(await form().getByLabel(/^ngrok authtoken/).getAttribute('placeholder')).toBe('•••••••• (stored)');

    await form().getByRole('button', { name: 'Retry the tunnel' }).click();
    await expect.poll(() => harness.app.state.get().tunnel.state).toBe('online');
    await expect.poll(() => page.getByTestId('tunnel-url').textContent()).toBe(`${online.publicUrl}/v1`);
    await failed.waitFor({ state: 'detached' });
    expect((await fetch(`${online.localUrl}/v1/models`, { headers: { authorization: `Bearer ${harness.app.token()}` } })).status).toBe(200);
    expect(pageProblems).toEqual([]);
  });
});
