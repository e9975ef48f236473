import { SHUTDOWN_NOTICE, tunnelLine } from '../../app/index.js';
import { resolveConfig } from '../../config/bridge-config.js';
import { formatLogLine } from '../log-line.js';
import { BRIDGE_VERSION } from '../../version.js';
import { renderCard } from '../card.js';
import { cliApp } from '../cli-app.js';
import type { CliContext } from '../cli-context.js';
import { openInBrowser } from '../open-browser.js';
import { parseServeFlags } from '../serve-args.js';
import { printProgress } from './login.js';
import { SERVE_USAGE } from '../usage.js';

const DOWN_STATES: readonly string[] = ['failed', 'reconnecting'];

export async function runServe(argv: string[], ctx: CliContext): Promise<number> {
  let flags;
  let config;
  try {
    flags = parseServeFlags(argv);
    if (flags.help) {
      ctx.stdout(SERVE_USAGE);
      return 0;
    }
    if (flags.version) {
      ctx.stdout(BRIDGE_VERSION);
      return 0;
    }
    config = resolveConfig(ctx.env, { port: flags.port, host: flags.host, authPath: flags.authPath });
  } catch (error) {
    ctx.stderr(`codex-cursor-bridge: ${(error as Error).message}\nRun with --help for the flags.`);
    return 2;
  }
  // Requests can arrive while the card is being prepared (tunnel, checks): their lines wait for it.
  const earlyLines: string[] = [];
  let print = (line: string): void => void earlyLines.push(line);
  let cardShown = false;
  const app = cliApp(ctx, config, {
    ...(flags.requireToken ? { requireToken: true } : {}),
    openBrowser: ctx.openBrowser ?? ((url: string) => openInBrowser(url)),
    ...(ctx.signIn ? { signIn: ctx.signIn } : {}),
    // Notices as lines; a tunnel that falls before the card is shown is in the card's notes already.
    notify: (notice) => {
      if (cardShown || notice.kind !== 'tunnel-down') print(`! ${notice.title}: ${notice.body}`);
    },
    server: {
      onDebug: (line) => ctx.stderr(line),
      onHistoryProblem: (message) => ctx.stderr(`warning: ${message}`),
      onInternalError: (error) => ctx.stderr(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
    },
  });
  const started = await app.start();
  if (!started.ok) {
    ctx.stderr(`codex-cursor-bridge: ${started.message}`);
    return 1;
  }

  if (app.state.get().login.state !== 'ok') await offerSignIn(app, ctx);

  const unsubscribe = app.state.subscribe((next, previous) => {
    if (next.requests.last && next.requests.last !== previous.requests.last) print(formatLogLine(next.requests.last));
    // A tunnel going down is a notice (above); its other changes are lines of their own.
    if (cardShown && next.tunnel.state !== previous.tunnel.state && !DOWN_STATES.includes(next.tunnel.state)) ctx.stdout(tunnelLine(next.tunnel));
  });
  const notes: string[] = (started.warnings ?? []).flatMap((warning) => ['', `WARNING: ${warning}`]);
  const tunnel = await app.restore(flags.tunnel === undefined ? {} : { tunnel: flags.tunnel });
  if (tunnel && tunnel.tunnel.state !== 'online') notes.push('', tunnel.message);
  if (flags.setup) {
    for (const check of (await app.checks()).checks.filter((row) => !row.ok)) {
      notes.push(`setup: ${check.title}: ${check.detail}${check.fix ? ` → ${check.fix}` : ''}`);
    }
  }
  ctx.stdout(renderCard(app.state.get(), app.token(), notes));
  cardShown = true;
  ctx.stdout('\nRequests:');
  for (const line of earlyLines.splice(0)) ctx.stdout(line);
  print = ctx.stdout;

  const signal = await ctx.stopSignal;
  ctx.stdout(`\n${signal}: ${SHUTDOWN_NOTICE}`);
  await app.stop();
  unsubscribe();
  return 0;
}

/** No usable login: on a terminal, offer the browser sign-in at once; without one, name the command that does it. */
async function offerSignIn(app: ReturnType<typeof cliApp>, ctx: CliContext): Promise<void> {
  if (!ctx.ask) {
    ctx.stdout('Not signed in with ChatGPT: run `codex-cursor-bridge login` (or `codex-cursor-bridge login --device` on a host without a browser).');
    return;
  }
  const answer = (await ctx.ask('Sign in with ChatGPT now? [Y/n] ')).trim().toLowerCase();
  if (answer !== '' && answer !== 'y' && answer !== 'yes') {
    ctx.stdout('Not signing in now: run `codex-cursor-bridge login` when you want to.');
    return;
  }
  const unsubscribe = app.state.subscribe((next, previous) => {
    const progress = next.signIn;
    if (progress === previous.signIn) return;
    if (progress?.state === 'waiting-browser') printProgress({ kind: 'authorize-url', url: progress.url, opened: progress.opened }, ctx);
  });
  void ctx.stopSignal.then(() => app.cancelSignIn());
  const outcome = await app.signIn({ method: 'browser' });
  unsubscribe();
  (outcome.ok ? ctx.stdout : ctx.stderr)(outcome.message);
}
