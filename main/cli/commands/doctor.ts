import { parseArgs } from 'node:util';
import { authManagerFor } from '../../bridge.js';
import { resolveConfig } from '../../config/bridge-config.js';
import { forecastSentences, readUsageHistory } from '../../app/usage-history.js';
import { runDoctorChecks } from '../../doctor/checks.js';
import { openHistoryStore } from '../../history/history-store.js';
import { createUpstreamClient } from '../../upstream/upstream-client.js';
import type { CliContext } from '../cli-context.js';

const DOCTOR_USAGE = `Usage: codex-cursor-bridge doctor [-p PORT] [--host ADDR] [-a AUTH_PATH]

Checks Node.js, the Codex CLI, your ChatGPT login, the backend, your usage limits and the port.
Exit status 0 only when all pass (the usage limits fail only when one is reached).`;

export async function runDoctor(argv: string[], ctx: CliContext): Promise<number> {
  let config;
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: { port: { type: 'string', short: 'p' }, host: { type: 'string' }, 'auth-path': { type: 'string', short: 'a' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) {
      ctx.stdout(DOCTOR_USAGE);
      return 0;
    }
    config = resolveConfig({ ...ctx.env, ...(values.port ? { CODEX_BRIDGE_PORT: values.port } : {}) }, { host: values.host, authPath: values['auth-path'] });
  } catch (error) {
    ctx.stderr(`codex-cursor-bridge doctor: ${(error as Error).message}\n\n${DOCTOR_USAGE}`);
    return 2;
  }
  const auth = authManagerFor(config);
  const upstream = createUpstreamClient({ config, credentials: auth, backoff: { maxAttempts: 1, initialDelayMs: 0, maxDelayMs: 0 }, idleTimeoutMs: 10_000 });
  try {
    const results = await runDoctorChecks({ config, auth, upstream, env: ctx.env });
    for (const result of results) {
      ctx.stdout(`${result.ok ? 'ok  ' : 'FAIL'}  ${result.title}: ${result.detail}`);
      if (!result.ok && result.fix) ctx.stdout(`      → ${result.fix}`);
      if (result.id === 'usage-limits') for (const sentence of usageForecast(config.home)) ctx.stdout(`      ${sentence}`);
    }
    const failed = results.filter((result) => !result.ok).length;
    ctx.stdout(failed === 0 ? '\nAll checks passed.' : `\n${failed} check${failed === 1 ? '' : 's'} failed.`);
    return failed === 0 ? 0 : 1;
  } finally {
    await upstream.close();
  }
}

/** Where the limit windows are heading, from the recorded history; nothing when there is none to read. */
function usageForecast(home: string): string[] {
  try {
    const store = openHistoryStore(home, { create: false });
    try {
      return forecastSentences(readUsageHistory(store, 2, Date.now()), Date.now());
    } finally {
      store?.close();
    }
  } catch {
    return [];
  }
}
