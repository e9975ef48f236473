import { signIn, type SignInProgress } from '../../app/sign-in.js';
import { resolveConfig } from '../../config/bridge-config.js';
import type { CliContext } from '../cli-context.js';
import { openInBrowser } from '../open-browser.js';
import { parseCliArgs } from '../suggest.js';

const LOGIN_USAGE = `Usage: codex-cursor-bridge login [--device] [--no-browser] [-a AUTH_PATH]

Signs in with your ChatGPT account and saves the login where the Codex CLI keeps it
($CODEX_HOME/auth.json, else ~/.codex/auth.json), so the bridge and the Codex CLI share one login.

  --no-browser   print the sign-in URL instead of opening the browser
  --device       sign in with a code on another device (for hosts without a browser)
  -a, --auth-path F   save the login to F instead`;

export async function runLogin(argv: string[], ctx: CliContext): Promise<number> {
  let values;
  let config;
  try {
    ({ values } = parseCliArgs({
      args: argv,
      strict: true,
      options: {
        device: { type: 'boolean' },
        'no-browser': { type: 'boolean' },
        'auth-path': { type: 'string', short: 'a' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
    if (values.help) {
      ctx.stdout(LOGIN_USAGE);
      return 0;
    }
    config = resolveConfig(ctx.env, { authPath: values['auth-path'] });
  } catch (error) {
    ctx.stderr(`codex-cursor-bridge login: ${(error as Error).message}\n\n${LOGIN_USAGE}`);
    return 2;
  }
  const cancel = new AbortController();
  void ctx.stopSignal.then(() => cancel.abort());
  const outcome = await signIn(values.device ? 'device' : 'browser', {
    config,
    env: ctx.env,
    signal: cancel.signal,
    onProgress: (event) => printProgress(event, ctx),
    ...(values['no-browser'] ? {} : { openBrowser: ctx.openBrowser ?? ((url: string) => openInBrowser(url)) }),
    ...(ctx.signIn?.callbackPorts ? { callbackPorts: ctx.signIn.callbackPorts } : {}),
    ...(ctx.signIn?.timeoutMs !== undefined ? { timeoutMs: ctx.signIn.timeoutMs } : {}),
  });
  if (!outcome.ok) {
    ctx.stderr(outcome.message);
    return 1;
  }
  ctx.stdout(outcome.message);
  return 0;
}

/** URL and code each on a line of their own, so a script can pick them up. */
export function printProgress(event: SignInProgress, ctx: Pick<CliContext, 'stdout'>): void {
  if (event.kind === 'authorize-url') {
    ctx.stdout(event.opened ? 'Opened your browser to sign in with ChatGPT. If it did not open, visit:' : 'Open this URL in a browser to sign in with ChatGPT:');
    ctx.stdout(event.url);
    ctx.stdout('Waiting for the browser… (Ctrl-C cancels)');
  } else {
    ctx.stdout('On any device, open this page and sign in with ChatGPT:');
    ctx.stdout(event.verificationUrl);
    ctx.stdout('Then enter this code (it expires in 15 minutes):');
    ctx.stdout(event.userCode);
    ctx.stdout('Waiting for approval… (Ctrl-C cancels)');
  }
}
