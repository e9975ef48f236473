import { parseArgs } from 'node:util';
import { resolveConfig } from '../../config/bridge-config.js';
import { cliApp } from '../cli-app.js';
import type { CliContext } from '../cli-context.js';

const TOKEN_USAGE = `Usage: codex-cursor-bridge token [--rotate]

Prints the bridge's bearer token (clients send it as their API key when a token is required).
  --rotate   replace it with a new random token (restart a running bridge to use it)`;

export async function runToken(argv: string[], ctx: CliContext): Promise<number> {
  let rotate = false;
  try {
    const { values } = parseArgs({ args: argv, strict: true, options: { rotate: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
    if (values.help) {
      ctx.stdout(TOKEN_USAGE);
      return 0;
    }
    rotate = values.rotate === true;
  } catch (error) {
    ctx.stderr(`codex-cursor-bridge token: ${(error as Error).message}\n\n${TOKEN_USAGE}`);
    return 2;
  }
  const app = cliApp(ctx, resolveConfig(ctx.env));
  if (!rotate) {
    ctx.stdout(app.token());
    return 0;
  }
  // The token alone on stdout, so scripts can capture it; what it means on stderr.
  const outcome = app.rotateToken();
  ctx.stdout(outcome.token);
  ctx.stderr(outcome.message);
  return 0;
}
