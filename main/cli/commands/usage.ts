import { limitLines, usageReportFor, type TokenTotals, type UsageReport } from '../../app/usage-history.js';
import { resolveConfig } from '../../config/bridge-config.js';
import type { CliContext } from '../cli-context.js';
import { parseCliArgs } from '../suggest.js';

const USAGE_USAGE = `Usage: codex-cursor-bridge usage [--days N] [--json]

Shows the usage history the bridge recorded: requests and tokens per day and per model, the cached share of
input, the usage-limit readings and where each limit window is heading.
  --days N   how many days back, today included (default 7)
  --json     the figures as JSON`;

const MAX_DAYS = 3650;

export async function runUsage(argv: string[], ctx: CliContext): Promise<number> {
  let days = 7;
  let json = false;
  try {
    const { values } = parseCliArgs({ args: argv, strict: true, options: { days: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
    if (values.help) {
      ctx.stdout(USAGE_USAGE);
      return 0;
    }
    if (values.days !== undefined) {
      days = Number(values.days);
      if (!/^\d+$/.test(values.days) || days < 1 || days > MAX_DAYS) throw new Error(`--days must be a whole number from 1 to ${MAX_DAYS} (got "${values.days}")`);
    }
    json = values.json === true;
  } catch (error) {
    ctx.stderr(`codex-cursor-bridge usage: ${(error as Error).message}\n\n${USAGE_USAGE}`);
    return 2;
  }
  const { home } = resolveConfig(ctx.env);
  let report: UsageReport;
  const now = Date.now();
  try {
    report = usageReportFor(home, days, now);
  } catch (error) {
    ctx.stderr(`codex-cursor-bridge usage: cannot read the usage history: ${(error as Error).message}`);
    return 1;
  }
  ctx.stdout(json ? JSON.stringify(report, null, 2) : renderReport(report, days, now));
  return 0;
}

function renderReport(report: UsageReport, days: number, now: number): string {
  const lines = [`Usage over the last ${days} day${days === 1 ? '' : 's'}`];
  if (report.total.requests === 0) lines.push('', 'No requests recorded yet.');
  else {
    lines.push('', table('day', report.days.map((row) => [row.day, row] as const)));
    lines.push('', table('model', [...report.models.map((row) => [row.model, row] as const), ['total', report.total] as const]));
  }
  lines.push('', 'Usage limits:');
  if (report.forecasts.length === 0) lines.push('  no readings recorded yet');
  for (const line of limitLines(report, now)) lines.push(`  ${line}`);
  return lines.join('\n');
}

function table(first: string, rows: ReadonlyArray<readonly [string, TokenTotals]>): string {
  const header = [first, 'requests', 'errors', 'input', 'cached', 'output', 'reasoning'];
  const body = rows.map(([name, t]) => [
    name,
    String(t.requests),
    String(t.errors),
    count(t.inputTokens),
    `${count(t.cachedTokens)} (${Math.round(t.cachedShare * 100)} %)`,
    count(t.outputTokens),
    count(t.reasoningTokens),
  ]);
  const widths = header.map((_, column) => Math.max(...[header, ...body].map((row) => (row[column] as string).length)));
  return [header, ...body].map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] as number) : cell.padStart(widths[column] as number))).join('  ')).join('\n');
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}
