/**
 * The window in each state a user meets, on the real core in front of the fake backend, in Debian's Chromium:
 * signed out (and signing in from the window's own button, refused, cancelled, approved), ready, usage limit reached,
 * tunnel down. Each state is checked with axe-core in light and dark (no serious or critical finding) and
 * photographed (UPDATE_SCREENSHOTS=1 writes the pictures into docs/screenshots/ for the README; otherwise a temp dir).
 *
 * The tests share one page and run in order: they walk one user from a fresh machine to a working bridge.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWindowApi } from '../../main/electron/window-api.js';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { FakeTunnelProvider } from '../support/fake-tunnel.js';
import { buildRenderer, closeWindowTest, openWindowPage, startWindowRpc, type WindowRpc } from '../support/window-rpc.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const REPO = path.resolve(import.meta.dirname, '..', '..');
let screenshots: string;
const AXE_SOURCE = path.join(REPO, 'node_modules', 'axe-core', 'axe.min.js');

let dir: string;
let harness: AppHarness;
let rpc: WindowRpc;
let context: BrowserContext;
let page: Page;
let axeSource: string;
/** What the app asked the system browser to open (the injected openBrowser). */
const browserUrls: string[] = [];
const copied: string[] = [];
const tunnel = new FakeTunnelProvider();
const pageProblems: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`The window tests drive Debian's Chromium at ${CHROMIUM}: install it with \`apt-get install chromium\`.`);
  dir = await mkdtemp(path.join(os.tmpdir(), 'bridge-window-states-'));
  const rendererDir = path.join(dir, 'renderer');
  [harness, context, , axeSource] = await Promise.all([
    startAppHarness({
      signedOut: true,
      app: {
        tunnelProvider: tunnel,
        tunnelBackoff: { initialMs: 10, maxMs: 20 },
        fetchPublic: tunnel.fetch,
        cursorProbe: { isCursorRunning: async () => false },
        signIn: { callbackPorts: [0] },
        openBrowser: async (url) => {
          browserUrls.push(url);
          return true;
        },
      },
    }),
    chromium.launchPersistentContext(path.join(dir, 'profile'), { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 900, height: 720 } }),
    buildRenderer(rendererDir),
    readFile(AXE_SOURCE, 'utf8'),
  ]);
  screenshots = process.env.UPDATE_SCREENSHOTS === '1' ? path.join(REPO, 'docs', 'screenshots') : path.join(dir, 'screenshots');
  await mkdir(screenshots, { recursive: true });
  const service = createWindowApi(harness.app, { copyText: (text) => void copied.push(text) });
  rpc = await startWindowRpc({ service, rendererDir });
  page = await openWindowPage(context, rpc.url, pageProblems);
});

afterAll(() => closeWindowTest({ context, rpc, harness, dir }));

const textOf = async (locator: Locator): Promise<string> => (await locator.textContent()) ?? '';
const statusTitle = () => textOf(page.getByTestId('status-title'));

interface AxeFinding {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core in the page (through the DevTools protocol, which the page's CSP does not govern). */
async function seriousFindings(): Promise<string[]> {
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.evaluate(axeSource);
  const violations = (await page.evaluate('window.axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations)')) as AxeFinding[];
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

/** No serious accessibility finding in light and dark; a screenshot of each into docs/screenshots/. */
async function checkAndPhotograph(name: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    expect(await seriousFindings(), `${name}, ${colorScheme}`).toEqual([]);
    await page.screenshot({ path: path.join(screenshots, `${name}-${colorScheme}.png`), fullPage: true });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

async function open(section: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: section }).click();
  await page.getByRole('main', { name: section }).waitFor();
}

describe('the window, state by state, from a fresh machine to a working bridge', () => {
  it('needs sign-in: one message with the sign-in first (defect 10), Configure Cursor not offered yet (defect 1)', async () => {
    expect(await statusTitle()).toBe('Needs sign-in');
    const header = page.getByRole('banner', { name: 'Status' });
    expect(await header.getByRole('button', { name: 'Sign in with ChatGPT' }).isVisible()).toBe(true);
    expect(await header.getByRole('button', { name: 'Use a code instead' }).isVisible()).toBe(true);
    const body = await textOf(page.locator('body'));
    // The core's long "no login" text used to appear three times (login card, checks, status); now once, in words.
    expect(body).not.toContain('No ChatGPT login found');
    expect(body.match(/Sign in with your ChatGPT account/g)).toHaveLength(1);
    expect(await page.getByRole('button', { name: 'Sign in with ChatGPT' }).count()).toBe(1);
    const configure = page.getByRole('button', { name: 'Configure Cursor' });
    expect(await configure.isDisabled()).toBe(true);
    expect(await configure.getAttribute('class')).not.toContain('primary');
    expect(await textOf(page.locator('#configure-blocked'))).toBe('Sign in first.');
    await checkAndPhotograph('needs-sign-in');

    // A client's request meanwhile fails for the bridge's missing login, not a wrong key: red, and it says to sign in.
    await expect(harness.client.chat.completions.create({ model: 'bridge-fast', messages: [{ role: 'user', content: 'hi' }] })).rejects.toThrow(/sign in/i);
    await open('Requests');
    const row = page.getByRole('region', { name: 'Request inspector' }).locator('tbody tr', { hasText: 'bridge-fast' }).first();
    await expect.poll(() => row.locator('.status').getAttribute('class')).toBe('status status-error');
    expect(await textOf(row.locator('.col-error'))).toMatch(/codex-cursor-bridge login/);
    await open('Overview');
  });

  it('a refused sign-in shows a clear message; a Cancel is no failure', async () => {
    harness.fake.issuer.authorizeMode = 'deny';
    await page.getByRole('button', { name: 'Sign in with ChatGPT' }).click();
    await expect.poll(() => browserUrls.length).toBe(1);
    const tab = await context.newPage();
    await tab.goto(browserUrls[0]!);
    await tab.close();
    const alert = page.getByRole('banner', { name: 'Status' }).getByRole('alert');
    await expect.poll(() => textOf(alert)).toMatch(/denied|refused/i);
    expect(harness.app.state.get().login.state).toBe('missing');

    await page.getByRole('button', { name: 'Sign in with ChatGPT' }).click();
    const progress = page.getByRole('status', { name: 'Sign-in progress' });
    await expect.poll(() => textOf(progress)).toContain('Waiting for the browser…');
    await progress.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => textOf(page.getByRole('banner', { name: 'Status' }))).toContain('Sign-in cancelled.');
    expect(await page.getByRole('banner', { name: 'Status' }).getByRole('alert').count()).toBe(0);
  });

  it('"Sign in with ChatGPT": the browser follows the authorize URL, the fake approves, the window shows the account', async () => {
    harness.fake.issuer.authorizeMode = 'approve';
    const before = browserUrls.length;
    await page.getByRole('button', { name: 'Sign in with ChatGPT' }).click();
    await expect.poll(() => browserUrls.length).toBe(before + 1);
    const tab = await context.newPage();
    await tab.goto(browserUrls.at(-1)!);
    expect(await tab.locator('body').textContent()).toMatch(/close/i);
    await tab.close();
    await expect.poll(statusTitle, { timeout: 10_000 }).toBe('Ready');
    const account = page.getByRole('region', { name: 'ChatGPT account' });
    await expect.poll(() => textOf(account)).toContain('Signed in as dev@example.com');
    expect(await account.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
    await account.getByRole('group', { name: 'Usage limits' }).waitFor();
  });

  it('ready: green, the guide at step two, checks collapsed; sensible at 640 and 1200 px with alias names whole', async () => {
    await harness.client.chat.completions.create({ model: 'bridge-fast', messages: [{ role: 'user', content: 'hi' }] });
    expect(await page.locator('header.status-header').getAttribute('class')).toBe('status-header level-ok');
    await checkAndPhotograph('ready');
    for (const width of [640, 1200]) {
      await page.setViewportSize({ width, height: 720 });
      expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
      await open('Models');
      // The table is listed after the section opens.
      await page.locator('code.alias').first().waitFor();
      const heights = await page.locator('code.alias').evaluateAll((codes) => codes.map((code) => code.getClientRects().length));
      expect(new Set(heights)).toEqual(new Set([1]));
      await open('Overview');
    }
    await page.setViewportSize({ width: 900, height: 720 });
  });

  it('usage limit reached: the reset time in the header and the one action, See usage', async () => {
    harness.fake.enqueue({ kind: 'usage_limit', resetsInSeconds: 2 * 3600 });
    await expect(harness.client.chat.completions.create({ model: 'bridge-fast', messages: [{ role: 'user', content: 'hi' }] })).rejects.toThrow();
    await expect.poll(statusTitle).toMatch(/^Usage limit reached until \d\d:\d\d$/);
    expect(await page.getByRole('link', { name: 'See usage' }).getAttribute('href')).toBe('https://chatgpt.com/codex/settings/usage');
    await checkAndPhotograph('limit-reached');
    // The next answer reports the limit as reset.
    await harness.client.chat.completions.create({ model: 'bridge-fast', messages: [{ role: 'user', content: 'hi' }] });
    await expect.poll(statusTitle).toBe('Ready');
  });

  it('tunnel down: says why with Retry (defect 9); Retry brings it up, and Configure Cursor opens', async () => {
    tunnel.failNextStarts(99, 'ngrok: the authtoken was rejected (ERR_NGROK_107)', { retryable: false });
    const guide = page.getByRole('region', { name: 'Connect Cursor' });
    expect(await textOf(page.locator('#configure-blocked'))).toBe('Turn the public tunnel on first: Cursor reaches the bridge only through it.');
    await guide.getByRole('button', { name: 'Turn on' }).click();
    await expect.poll(statusTitle).toBe('Tunnel down');
    expect(await textOf(page.locator('.status-detail'))).toBe('Cursor cannot reach the bridge: ngrok: the authtoken was rejected (ERR_NGROK_107).');
    expect(await textOf(guide.getByRole('alert'))).toContain('The fake tunnel failed: ngrok: the authtoken was rejected (ERR_NGROK_107)');
    await checkAndPhotograph('tunnel-down');

    tunnel.failNextStarts(0, '');
    await page.getByRole('banner', { name: 'Status' }).getByRole('button', { name: 'Retry' }).click();
    await expect.poll(statusTitle).toBe('Ready');
    expect(await guide.getByRole('button', { name: 'Configure Cursor' }).isEnabled()).toBe(true);
  });

  it('the request inspector: a failed request shows its whole error at 900 and 640 px, in the Requests section (defect 4)', async () => {
    await expect(harness.client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })).rejects.toThrow();
    await open('Requests');
    const row = page.getByRole('region', { name: 'Request inspector' }).locator('tbody tr', { hasText: 'gpt-4o' }).first();
    const logged = harness.app.recentRequests().at(-1)!.error!;
    await expect.poll(() => textOf(row.locator('.col-error'))).toBe(logged);
    const box = (await row.locator('.col-error').boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(900);
    await row.getByRole('button').click();
    expect(await textOf(page.getByRole('region', { name: 'Request details' }))).toContain(logged);
    // At 640 px the error column keeps its place and nothing scrolls sideways, the details still open.
    await page.setViewportSize({ width: 640, height: 720 });
    const narrow = (await row.locator('.col-error').boundingBox())!;
    expect(narrow.width).toBeGreaterThan(100);
    expect(narrow.x + narrow.width).toBeLessThanOrEqual(640);
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await page.setViewportSize({ width: 900, height: 720 });
    await open('Overview');
  });

  it('had no page errors or CSP violations', () => {
    expect(pageProblems).toEqual([]);
  });
});
