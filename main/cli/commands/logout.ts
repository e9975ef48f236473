import { signOut } from '../../app/sign-in.js';
import { resolveConfig } from '../../config/bridge-config.js';
import type { CliContext } from '../cli-context.js';
import { parseCliArgs } from '../suggest.js';

const LOGOUT_USAGE = `Usage: codex-cursor-bridge logout [-a AUTH_PATH]

Revokes your ChatGPT login at OpenAI and removes it from auth.json (other fields of the file stay).`;

export async function runLogout(argv: string[], ctx: CliContext): Promise<number> {
  let config;
  try {
    const { values } = parseCliArgs({ args: argv, strict: true, options: { 'auth-path': { type: 'string', short: 'a' }, help: { type: 'boolean', short: 'h' } } });
    if (values.help) {
      ctx.stdout(LOGOUT_USAGE);
      return 0;
    }
    config = resolveConfig(ctx.env, { authPath: values['auth-path'] });
  } catch (error) {
    ctx.stderr(`codex-cursor-bridge logout: ${(error as Error).message}\n\n${LOGOUT_USAGE}`);
    return 2;
  }
  const outcome = await signOut({ config, env: ctx.env });
  if (!outcome.ok) {
    ctx.stderr(outcome.message);
    return 1;
  }
  ctx.stdout(outcome.message);
  return 0;
}
