import { resolveConfig } from '../../config/bridge-config.js';
import { forecastLines } from '../../app/usage-history.js';
import { cliApp } from '../cli-app.js';
import type { CliContext } from '../cli-context.js';
import { parseCliArgs } from '../suggest.js';

const DOCTOR_USAGE = `Usage: codex-cursor-bridge doctor [-p PORT] [--host ADDR] [-a AUTH_PATH]

Checks Node.js, your ChatGPT login (the Codex CLI is only noted), the backend, your usage limits and the port.
Exit status 0 only when all pass (the usage limits fail only when one is reached).`;

export async function runDoctor(argv: string[], ctx: CliContext): Promise<number> {
  let config;
  try {
    const { values } = parseCliArgs({
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
  const outcome = await cliApp(ctx, config).checks();
  for (const result of outcome.checks) {
    ctx.stdout(`${result.ok ? 'ok  ' : 'FAIL'}  ${result.title}: ${result.detail}`);
    if (!result.ok && result.fix) ctx.stdout(`      → ${result.fix}`);
    if (result.id === 'usage-limits') for (const sentence of forecastLines(config.home, Date.now())) ctx.stdout(`      ${sentence}`);
  }
  ctx.stdout(`\n${outcome.message}`);
  return outcome.ok ? 0 : 1;
}

