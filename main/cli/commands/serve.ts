import { startBridge, type Bridge } from '../../bridge.js';
import { resolveConfig } from '../../config/bridge-config.js';
import { LOOPBACK_HOSTS } from '../../server/guard.js';
import { listenFailureMessage } from '../../server/listen-failure.js';
import { settleWithin } from '../../settle-within.js';
import { formatLogLine } from '../../server/request-log.js';
import { runDoctorChecks } from '../../doctor/checks.js';
import { openPublicTunnel, type PublicTunnel } from '../../public-tunnel.js';
import type { TunnelStatus } from '../../tunnel/tunnel-manager.js';
import { BRIDGE_VERSION } from '../../version.js';
import { renderCard } from '../card.js';
import type { CliContext } from '../cli-context.js';
import { parseServeFlags } from '../serve-args.js';
import { SERVE_USAGE } from '../usage.js';

/** Grace period for in-flight streams on shutdown. */
const SHUTDOWN_GRACE_MS = 5_000;

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
  let bridge: Bridge;
  try {
    bridge = await startBridge({
      config,
      requireToken: flags.requireToken,
      onDebug: (line) => ctx.stderr(line),
      onHistoryProblem: (message) => ctx.stderr(`warning: ${message}`),
      onInternalError: (error) => ctx.stderr(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
    });
  } catch (error) {
    ctx.stderr(
      `codex-cursor-bridge: ${listenFailureMessage(error, config.host, config.port, { otherPort: 'pick another port with --port', loopbackHost: 'use --host 127.0.0.1' })}`,
    );
    return 1;
  }

  // Requests can arrive while the card is being prepared (catalog, checks): their lines wait for it.
  const earlyLines: string[] = [];
  let printLog = (line: string): void => void earlyLines.push(line);
  const unsubscribe = bridge.log.subscribe((entry) => printLog(formatLogLine(entry)));
  const notes: string[] = [];
  if (!LOOPBACK_HOSTS.includes(config.host) && !bridge.tokenRequired()) {
    notes.push(
      '',
      `WARNING: listening on ${config.host} without a token: anyone who can reach this address can use your ChatGPT subscription.`,
      '         Add --require-token (clients then send the bridge token as their API key).',
    );
  }
  let tunnel: PublicTunnel | undefined;
  let publicUrl: string | undefined;
  if (flags.tunnel ?? bridge.settings.read().tunnel?.enabled === true) {
    let cardShown = false;
    tunnel = openPublicTunnel(bridge, {
      env: ctx.env,
      ...(ctx.tunnelProvider ? { provider: ctx.tunnelProvider } : {}),
      ...(ctx.cursorProbe ? { cursorProbe: ctx.cursorProbe } : {}),
      onStatus: (status) => {
        if (cardShown) ctx.stdout(tunnelLine(status));
      },
      onNote: (line) => ctx.stdout(line),
    });
    const first = await tunnel.start();
    cardShown = true;
    if (first.state === 'online' && first.url) publicUrl = `${first.url}/v1`;
    else notes.push('', tunnelLine(first));
  }
  await settleWithin(bridge.models.refresh(), 5_000);
  if (flags.setup) {
    const failed = (await runDoctorChecks({ config, auth: bridge.auth, upstream: bridge.upstream, env: ctx.env, skipPort: true })).filter((check) => !check.ok);
    for (const check of failed) notes.push(`setup: ${check.title}: ${check.detail}${check.fix ? ` → ${check.fix}` : ''}`);
  }
  ctx.stdout(
    renderCard({
      version: BRIDGE_VERSION,
      baseUrl: bridge.baseUrl,
      auth: await bridge.auth.describe(),
      catalog: bridge.models.catalogStatus(),
      aliases: await bridge.models.list(),
      tokenRequired: bridge.tokenRequired(),
      bridgeToken: bridge.bridgeToken,
      ...(publicUrl ? { publicUrl } : {}),
      notes,
    }),
  );
  ctx.stdout('\nRequests:');
  for (const line of earlyLines.splice(0)) ctx.stdout(line);
  printLog = ctx.stdout;

  const signal = await ctx.stopSignal;
  ctx.stdout(`\n${signal}: finishing in-flight requests (up to ${SHUTDOWN_GRACE_MS / 1000} s)…`);
  await tunnel?.stop();
  await bridge.close(SHUTDOWN_GRACE_MS);
  unsubscribe();
  return 0;
}

function tunnelLine(status: TunnelStatus): string {
  const where = status.url ? ` ${status.url}/v1` : '';
  const why = status.error ? `: ${status.error}` : '';
  const hint = status.hint ? ` ${status.hint}` : '';
  return `tunnel (${status.provider}) ${status.state}${where}${why}${hint}`;
}
