import { createBridgeApp, openConfSettingsFile, type BridgeApp, type BridgeAppDeps } from '../app/index.js';
import type { BridgeConfig } from '../config/bridge-config.js';
import type { CliContext } from './cli-context.js';

/** How a CLI user picks another address when the bridge cannot listen. */
const CLI_REMEDIES = { otherPort: 'pick another port with --port', loopbackHost: 'use --host 127.0.0.1' };

/** The application layer for one command: the CLI's environment, its remedies, and what tests replace. */
export function cliApp(ctx: CliContext, config: BridgeConfig, extra: Partial<BridgeAppDeps> = {}): BridgeApp {
  return createBridgeApp({
    config,
    env: ctx.env,
    listenRemedies: CLI_REMEDIES,
    openSettingsFile: openConfSettingsFile,
    ...(ctx.tunnelProvider ? { tunnelProvider: ctx.tunnelProvider } : {}),
    ...(ctx.cursorProbe ? { cursorProbe: ctx.cursorProbe } : {}),
    ...extra,
  });
}
