/**
 * The request inspector and the usage charts in the built window, in Debian's Chromium, on the real core in front of
 * the fake backend (same set-up as window.test.ts): requests appear as they start and move while in flight, retries
 * show, details hold the whole error, filters, pause and clear work, past requests come back from the history after a
 * restart, and the charts draw seeded history with the right figures in their text alternative.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBridgeApp, openConfSettingsFile, type BridgeApp } from '../../main/app/index.js';
import { createWindowApi } from '../../main/electron/window-api.js';
import { openHistoryStore } from '../../main/history/history-store.js';
import { SERIES_COLORS } from '../../renderer/chart-colors.js';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { buildRenderer, startWindowRpc, type WindowRpc } from '../support/window-rpc.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const noClipboard = { copyText: () => undefined };

let dir: string;
let rendererDir: string;
let context: BrowserContext;
const pageProblems: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`The window tests drive Debian's Chromium at ${CHROMIUM}: install it with \`apt-get install chromium\`.`);
  dir = await mkdtemp(path.join(os.tmpdir(), 'bridge-inspector-'));
  rendererDir = path.join(dir, 'renderer');
  [context] = await Promise.all([
    chromium.launchPersistentContext(path.join(dir, 'profile'), { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 900, height: 1000 } }),
    buildRenderer(rendererDir),
  ]);
});

afterAll(async () => {
  await context?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The window on `app`, in a fresh page, opened on `section` through its link in the top bar. */
async function openWindow(app: BridgeApp, section: 'Requests' | 'Usage'): Promise<{ page: Page; rpc: WindowRpc }> {
  const rpc = await startWindowRpc({ service: createWindowApi(app, noClipboard), rendererDir });
  const page = await context.newPage();
  page.on('pageerror', (error) => pageProblems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') pageProblems.push(`console: ${message.text()}`);
  });
  await page.goto(rpc.url);
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: section }).click();
  await page.getByRole('main', { name: section }).waitFor();
  return { page, rpc };
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical WCAG A/AA findings inside the sections named, in light and in dark. */
async function accessibilityFindings(page: Page, sections: string[]): Promise<string[]> {
  // Evaluated through DevTools, so the page's CSP (script-src 'self') does not apply to the checker.
  await page.evaluate(AXE_SOURCE);
  const include = sections.map((name) => [`section[aria-label="${name}"]`]);
  const findings: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const found = (await page.evaluate(
      `axe.run({ include: ${JSON.stringify(include)} }, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa'] }).then((result) => result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', ')))`,
    )) as string[];
    findings.push(...found.map((finding) => `${colorScheme}: ${finding}`));
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return findings;
}

async function textOf(locator: Locator): Promise<string> {
  return (await locator.textContent()) ?? '';
}

describe('the request inspector against the real core', () => {
  let h: AppHarness;
  let page: Page;
  let rpc: WindowRpc;
  let inspector: Locator;
  const row = (id: string): Locator => inspector.locator(`tr[data-request="${id}"]`);
  const inFlightId = async (): Promise<string> => {
    await expect.poll(() => h.app.state.get().requests.inFlight.length, { timeout: 5000 }).toBeGreaterThan(0);
    return h.app.state.get().requests.inFlight[0]!.id;
  };

  beforeAll(async () => {
    h = await startAppHarness();
    ({ page, rpc } = await openWindow(h.app, 'Requests'));
    inspector = page.getByRole('region', { name: 'Request inspector' });
  });
  afterAll(async () => {
    await page?.close();
    await rpc?.close();
    await h?.close();
  });

  it('shows a slow stream while in flight, its chunks growing, then as finished', async () => {
    h.fake.enqueue({ kind: 'paced', deltas: 40, intervalMs: 60 });
    const stream = h.client.chat.completions.create({ model: 'bridge-fast', stream: true, messages: [{ role: 'user', content: 'slow' }] });
    const id = await inFlightId();
    await expect.poll(() => row(id).getAttribute('data-state')).toBe('in-flight');
    const seen: number[] = [];
    await expect
      .poll(
        async () => {
          const match = /streaming · (\d+) chunks/.exec(await textOf(row(id)));
          if (match) seen.push(Number(match[1]));
          return new Set(seen).size;
        },
        { timeout: 5000, interval: 150 },
      )
      .toBeGreaterThanOrEqual(3);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    for await (const _chunk of await stream);
    await expect.poll(() => row(id).getAttribute('data-state')).toBe('done');
    expect(await textOf(row(id).locator('.col-status'))).toBe('200');
  });

  it('shows the attempts of a retried request while it retries, and when done', async () => {
    h.fake.enqueue({ kind: 'http_error', status: 503, body: { detail: 'overloaded' } }, { kind: 'stall', ms: 1500 });
    const answer = h.client.chat.completions.create({ model: 'bridge-fast', messages: [{ role: 'user', content: 'retry' }] });
    const id = await inFlightId();
    await expect.poll(() => textOf(row(id).locator('.col-status')), { timeout: 5000 }).toBe('retrying (attempt 2)');
    await answer;
    await expect.poll(() => row(id).getAttribute('data-state')).toBe('done');
    expect(await textOf(row(id).locator('td').nth(3))).toBe('2');
  });

  it('a click on a row shows its details with the whole error, and the error column stays on screen at 900 px', async () => {
    const detail = `the request was refused because ${'this sentence is long enough to need more than one line of the table; '.repeat(4)}end.`;
    h.fake.enqueue({ kind: 'http_error', status: 400, body: { detail } });
    await expect(h.client.chat.completions.create({ model: 'bridge-fast', messages: [{ role: 'user', content: 'refused' }] })).rejects.toThrow();
    const last = h.app.state.get().requests.last!;
    expect(last.error).toBe(`The ChatGPT backend rejected the request: ${detail}`);
    await row(last.id).waitFor();
    const cell = row(last.id).locator('td.col-error');
    const box = await cell.boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(900);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(900);

    await row(last.id).click();
    const details = page.getByRole('region', { name: 'Request details' });
    expect(await textOf(details.locator('pre'))).toBe(last.error);
    const text = await textOf(details);
    expect(text).toContain('Status400');
    expect(text).toContain('bridge-fast → ');
    // Refused by the backend: no answer opened, so no upstream phase.
    expect(text).toMatch(/Timingbridge [\d.]+ ms · upstream – · first token – · total \d+ ms/);
    expect(text).toContain('ClientOpenAI/JS');
    expect(text).toContain('Error codeupstream_rejected');
    await details.getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => details.count()).toBe(0);
  });

  it('filters by status and model, and totals per model', async () => {
    await h.client.chat.completions.create({ model: 'bridge-pro-high', messages: [{ role: 'user', content: 'other model' }] });
    const statuses = () => inspector.locator('.inspector-table tbody tr .col-status').allTextContents();
    const filter = (name: string) => inspector.getByRole('radio', { name: new RegExp(`^${name}`) }).click();
    await filter('Errors');
    await expect.poll(statuses).toEqual(['400']);
    await filter('OK');
    await expect.poll(statuses).toEqual(['200', '200', '200']);
    await filter('In flight');
    await expect.poll(() => textOf(inspector.locator('.inspector-body > p'))).toBe('No request matches these filters.');
    await filter('All');
    await inspector.getByRole('combobox', { name: 'Model' }).selectOption('bridge-pro-high');
    await expect.poll(() => inspector.locator('.inspector-table tbody tr .col-model').allTextContents()).toEqual(['bridge-pro-high']);
    await inspector.getByRole('combobox', { name: 'Model' }).selectOption('');
    const totals = inspector.getByRole('table', { name: 'Totals per model' });
    expect(await totals.locator('tr[data-key="bridge-fast"] td').allTextContents()).toEqual(expect.arrayContaining(['bridge-fast', '3', '1']));
    expect((await totals.locator('tr[data-key="bridge-fast"] td').allTextContents()).slice(0, 3)).toEqual(['bridge-fast', '3', '1']);
    expect((await totals.locator('tr[data-key="bridge-pro-high"] td').allTextContents()).slice(0, 3)).toEqual(['bridge-pro-high', '1', '0']);
  });

  it('marks a request the usage-limit fallback served, in its row and its details', async () => {
    const limited = h.app.state.get().aliases.find((entry) => entry.alias === 'bridge-pro-high')!.slug;
    expect(h.app.updateSettings({ usageLimitFallback: 'bridge-mini' }).ok).toBe(true);
    h.fake.usageLimitedModels.add(limited);
    try {
      await h.client.chat.completions.create({ model: 'bridge-pro-high', messages: [{ role: 'user', content: 'over the limit' }] });
    } finally {
      h.fake.usageLimitedModels.delete(limited);
      h.app.updateSettings({ usageLimitFallback: '' });
    }
    const last = h.app.state.get().requests.last!;
    expect(last.fallbackFrom).toBe('bridge-pro-high');
    await row(last.id).waitFor();
    expect(await row(last.id).locator('td.col-model .badge').getAttribute('title')).toBe('Served by the usage-limit fallback for bridge-pro-high');
    await row(last.id).click();
    const details = page.getByRole('region', { name: 'Request details' });
    expect(await textOf(details)).toContain('Served by the fallback forbridge-pro-high');
    await details.getByRole('button', { name: 'Close' }).click();
  });

  it('has no serious accessibility finding with rows and details shown, in light and dark', async () => {
    await inspector.locator('.inspector-table tbody tr').first().click();
    expect(await accessibilityFindings(page, ['Request inspector'])).toEqual([]);
    await page.getByRole('region', { name: 'Request details' }).getByRole('button', { name: 'Close' }).click();
  });

  it('pause holds the list while requests go on; resume shows them; clear empties it', async () => {
    const rows = () => inspector.locator('.inspector-table tbody tr').count();
    const before = await rows();
    await inspector.getByRole('button', { name: 'Pause' }).click();
    await h.client.chat.completions.create({ model: 'bridge-fast', messages: [{ role: 'user', content: 'while paused' }] });
    await expect.poll(() => textOf(inspector.getByRole('button', { name: /^Resume/ }))).toBe('Resume (1 new)');
    expect(await rows()).toBe(before);
    await inspector.getByRole('button', { name: /^Resume/ }).click();
    await expect.poll(rows).toBe(before + 1);
    await inspector.getByRole('button', { name: 'Clear' }).click();
    await expect.poll(() => textOf(inspector.locator('.inspector-body > p'))).toBe('No requests yet.');
    await h.client.chat.completions.create({ model: 'bridge-fast', messages: [{ role: 'user', content: 'after clear' }] });
    await expect.poll(rows).toBe(1);
  });

  it('after a restart on the same home, past requests come back from the history', async () => {
    const finished = h.app.recentRequests().map((entry) => entry.id);
    expect(finished.length).toBeGreaterThanOrEqual(6);
    await page.close();
    await rpc.close();
    await h.app.stop();
    const again = createBridgeApp({ config: h.config, env: { PATH: '' }, listenRemedies: { otherPort: '', loopbackHost: '' }, openSettingsFile: openConfSettingsFile });
    expect((await again.start()).ok).toBe(true);
    try {
      ({ page, rpc } = await openWindow(again, 'Requests'));
      inspector = page.getByRole('region', { name: 'Request inspector' });
      await expect.poll(() => inspector.locator('.inspector-table tbody tr').evaluateAll((rows) => rows.map((each) => each.getAttribute('data-request'))), { timeout: 5000 }).toEqual([...finished].reverse());
      await row(finished[0]!).click();
      expect(await textOf(page.getByRole('region', { name: 'Request details' }))).toContain('from history');
    } finally {
      await again.stop();
    }
  });
});

describe('the usage charts against the real core', () => {
  const DAY = 24 * 60 * 60 * 1000;
  let h: AppHarness;
  let page: Page;
  let rpc: WindowRpc;

  beforeAll(async () => {
    h = await startAppHarness();
    const noon = new Date();
    noon.setHours(12, 0, 0, 0);
    const at = noon.getTime();
    const store = openHistoryStore(h.config.home)!;
    const request = (id: string, when: number, model: string, input: number, cached: number, output: number) => ({ id, at: when, frontEnd: 'chat', alias: 'bridge-fast', model, status: 200, totalMs: 10, inputTokens: input, cachedTokens: cached, outputTokens: output, reasoningTokens: 0 });
    store.write({
      requests: [
        request('a', at - DAY, 'gpt-x', 1000, 500, 100),
        request('b', at - DAY, 'gpt-y', 2000, 1500, 400),
        request('c', at - 2 * DAY, 'gpt-x', 4000, 0, 500),
        // Only in the 30-day period.
        request('d', at - 20 * DAY, 'gpt-x', 10_000, 9_000, 1_000),
      ],
      limits: [
        { at: at - DAY - 60 * 60_000, window: 'primary', windowMinutes: 300, usedPercent: 30, resetsAt: at - DAY },
        { at: at - DAY + 60 * 60_000, window: 'primary', windowMinutes: 300, usedPercent: 5, resetsAt: at - DAY + 5 * 60 * 60_000 },
        { at: at - 2 * DAY, window: 'secondary', windowMinutes: 10_080, usedPercent: 12, resetsAt: at + 5 * DAY },
      ],
    });
    store.close();
    ({ page, rpc } = await openWindow(h.app, 'Usage'));
  });
  afterAll(async () => {
    await page?.close();
    await rpc?.close();
    await h?.close();
  });

  const figure = (name: string): Locator => page.getByRole('figure', { name });

  it('draws tokens per day by model, cached share and limit use, with their figures in words', async () => {
    await expect.poll(() => textOf(figure('Tokens per day by model').locator('figcaption')), { timeout: 5000 }).toBe('8,000 tokens in the last 7 days: gpt-x 5,600, gpt-y 2,400.');
    expect(await textOf(figure('Cached share of input per day').locator('figcaption'))).toBe('29 % of 7,000 input tokens were cached over the last 7 days.');
    expect(await textOf(figure('Limit use over time').locator('figcaption'))).toBe('weekly window: 1 reading, latest 12 %, peak 12 %. 5h window: 2 readings, latest 5 %, peak 30 %, 2 resets in this period.');
    // Drawn: one bar per model per day with tokens, one line per limit window, a reference line at the reset.
    expect(await figure('Tokens per day by model').locator('.recharts-bar-rectangle').count()).toBe(3);
    expect(await figure('Limit use over time').locator('.recharts-line').count()).toBe(2);
    expect(await figure('Limit use over time').locator('.recharts-reference-line').count()).toBe(2);
  });

  it('switches to 30 days, and shows its figures as tables on request', async () => {
    await page.getByRole('button', { name: '30 days' }).click();
    await expect.poll(() => textOf(figure('Tokens per day by model').locator('figcaption'))).toBe('19,000 tokens in the last 30 days: gpt-x 16,600, gpt-y 2,400.');
    const table = figure('Cached share of input per day').getByRole('table');
    // Read out but not drawn until asked for.
    const clipped = () => table.evaluate((element) => element.closest('.visually-hidden') !== null);
    expect(await clipped()).toBe(true);
    await page.getByRole('button', { name: 'Show as tables' }).click();
    expect(await clipped()).toBe(false);
    expect((await table.boundingBox())!.width).toBeGreaterThan(100);
    expect(await table.locator('tbody tr').count()).toBe(3);
    expect(await accessibilityFindings(page, ['Usage'])).toEqual([]);
    expect(pageProblems, pageProblems.join('\n')).toEqual([]);
  });

  it('draws in the dark palette when the system is dark', async () => {
    const firstBar = figure('Tokens per day by model').locator('.recharts-bar-rectangle path').first();
    await expect.poll(() => firstBar.getAttribute('fill')).toBe(SERIES_COLORS.light[0]);
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(() => firstBar.getAttribute('fill')).toBe(SERIES_COLORS.dark[0]);
    await page.emulateMedia({ colorScheme: 'light' });
  });
});
