import { resolveConfig } from '../../config/bridge-config.js';
import { cliApp } from '../cli-app.js';
import type { CliContext } from '../cli-context.js';
import { parseCliArgs } from '../suggest.js';

const TOKEN_USAGE = `Usage: codex-cursor-bridge token [--rotate]

Prints the bridge's bearer token (clients send it as their API key when a token is required).
  --rotate   replace it with a new random token (a running bridge refuses the old one within a second)`;

export async function runToken(argv: string[], ctx: CliContext): Promise<number> {
  let rotate = false;
  try {
    const { values } = parseCliArgs({ args: argv, strict: true, options: { rotate: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
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
    try {
      ctx.stdout(app.token());
    } catch (error) {
      // Sealed by the desktop app's OS keychain: the message says where to find it.
      ctx.stderr(`codex-cursor-bridge token: ${(error as Error).message}`);
      return 1;
    }
    return 0;
  }
  // The token alone on stdout, so scripts can capture it; what it means on stderr.
  const outcome = app.rotateToken();
  ctx.stdout(outcome.token);
  ctx.stderr(outcome.message);
  return 0;
}
