import os from 'node:os';
import type {
  AliasRow,
  BridgeApi,
  BridgeSnapshot,
  CheckRow,
  CursorOutcome,
  LimitsView,
  LogRow,
  TunnelView,
} from '../../shared/bridge-api.js';
import type { Bridge } from '../bridge.js';
import { configureCursor, cursorStatePaths, undoCursor, type CursorWriteResult } from '../cursor/configure.js';
import { systemProcessProbe, type ProcessProbe } from '../cursor/cursor-process.js';
import { CursorConfigError } from '../cursor/errors.js';
import { cursorDbPath } from '../cursor/locate-db.js';
import { runDoctorChecks } from '../doctor/checks.js';
import { settleWithin } from '../settle-within.js';
import { ALIAS_NAMES } from '../models/aliases.js';
import { openPublicTunnel, type PublicTunnel } from '../public-tunnel.js';
import type { TunnelStatus } from '../tunnel/tunnel-manager.js';
import type { TunnelProvider } from '../tunnel/tunnel-provider.js';
import { creditsText, labelledWindows } from '../usage/describe-limits.js';
import type { UsageLimits } from '../usage/usage-limits.js';
import { BRIDGE_VERSION } from '../version.js';

/** What only the desktop shell can do (Electron's clipboard and login items); injected so the core stays plain Node. */
export interface DesktopHost {
  copyText(text: string): void | Promise<void>;
  startAtLogin(): boolean;
  setStartAtLogin(enabled: boolean): boolean;
}

/** The window never waits longer than this for the backend's usage page; limits that come later are pushed. */
const LIMITS_WAIT_MS = 1500;

export interface BridgeServiceOptions {
  bridge: Bridge;
  env: NodeJS.ProcessEnv;
  host: DesktopHost;
  tunnelProvider?: TunnelProvider;
  cursorProbe?: ProcessProbe;
}

export interface BridgeService extends BridgeApi {
  /** Starts the tunnel if the settings say so (the app's start-up). */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The window's API implemented on the running core. The Electron layer forwards validated IPC to it; the renderer
 * tests reach the same object over a loopback RPC, so what the window shows is always what the core does.
 */
export function createBridgeService(options: BridgeServiceOptions): BridgeService {
  const { bridge, host } = options;
  const probe = options.cursorProbe ?? systemProcessProbe();
  const snapshotListeners = new Set<(snapshot: BridgeSnapshot) => void>();
  let tunnel: PublicTunnel | undefined;
  let tunnelStatus: TunnelStatus | undefined;
  /**
   * Tunnel switches run one after another: a stop still winding down must not undo a start that came after it
   * (it would drop the token requirement of a tunnel that is public again).
   */
  let tunnelSwitch: Promise<unknown> = Promise.resolve();
  const serialized = <T>(change: () => Promise<T>): Promise<T> => {
    const next = tunnelSwitch.then(change, change);
    tunnelSwitch = next.catch(() => undefined);
    return next;
  };
  // Limits change with nearly every answer; a window that is open shows the new ones without a reload.
  const stopWatchingLimits = bridge.onLimitsChange(() => publishSnapshot());

  function tunnelView(): TunnelView {
    const status = tunnelStatus;
    if (!status) return { state: 'off', provider: configuredProvider() };
    return {
      state: status.state,
      provider: status.provider,
      ...(status.url ? { url: `${status.url}/v1` } : {}),
      ...(status.error ? { error: status.error } : {}),
      ...(status.hint ? { hint: status.hint } : {}),
    };
  }

  async function snapshot(): Promise<BridgeSnapshot> {
    const [login, limits] = await Promise.all([bridge.auth.describe(), settleWithin(bridge.usage(), LIMITS_WAIT_MS)]);
    const catalog = bridge.models.catalogStatus();
    return {
      version: BRIDGE_VERSION,
      localUrl: `${bridge.baseUrl}/v1`,
      tokenRequired: bridge.tokenRequired(),
      login: {
        state: login.state,
        authPath: login.authPath,
        ...(login.email ? { email: login.email } : {}),
        ...(login.planLabel ? { plan: login.planLabel } : {}),
        ...(login.expiresAt ? { expiresAt: login.expiresAt.toISOString() } : {}),
        ...(login.message ? { message: login.message } : {}),
      },
      catalog: { state: catalog.state, models: catalog.models, lastError: catalog.lastError },
      tunnel: tunnelView(),
      startAtLogin: host.startAtLogin(),
      ...(limits ? { limits: limitsView(limits) } : {}),
    };
  }

  /** The provider the settings name; a broken settings file must not break the window's snapshot. */
  function configuredProvider(): string {
    try {
      return bridge.settings.read().tunnel?.provider ?? 'ngrok';
    } catch {
      return 'ngrok';
    }
  }

  function publishSnapshot(): void {
    if (snapshotListeners.size === 0) return;
    snapshot().then(
      (current) => {
        for (const listener of snapshotListeners) listener(current);
      },
      () => undefined, // the next change publishes again; getSnapshot reports the failure to whoever asks
    );
  }

  async function startTunnel(): Promise<TunnelView> {
    if (!tunnel) {
      const opened: PublicTunnel = openPublicTunnel(bridge, {
        env: options.env,
        ...(options.tunnelProvider ? { provider: options.tunnelProvider } : {}),
        cursorProbe: probe,
        onStatus: (status) => {
          if (tunnel !== opened) return; // a stopped tunnel's last words
          tunnelStatus = status;
          publishSnapshot();
        },
      });
      tunnel = opened;
    }
    await tunnel.start();
    return tunnelView();
  }

  async function stopTunnel(): Promise<TunnelView> {
    const running = tunnel;
    tunnel = undefined;
    tunnelStatus = undefined;
    await running?.stop();
    publishSnapshot();
    return tunnelView();
  }

  function cursorTarget() {
    return {
      dbPath: cursorDbPath({ platform: process.platform, env: options.env, homedir: os.homedir() }),
      ...cursorStatePaths(bridge.config.home),
      probe,
    };
  }

  return {
    getSnapshot: snapshot,
    async listAliases(): Promise<AliasRow[]> {
      return (await bridge.models.list()).map(({ role: _role, ...row }) => row);
    },
    runChecks(): Promise<CheckRow[]> {
      return runDoctorChecks({ config: bridge.config, auth: bridge.auth, upstream: bridge.upstream, env: options.env, skipPort: true });
    },
    async recentLog(): Promise<LogRow[]> {
      return bridge.log.recent();
    },
    async getToken() {
      return bridge.bridgeToken;
    },
    async rotateToken() {
      const token = bridge.rotateToken();
      publishSnapshot();
      return token;
    },
    async copyText(text) {
      await host.copyText(text);
    },
    setTunnel(enabled) {
      return serialized(async () => {
        bridge.settings.update({ tunnel: { enabled } });
        return enabled ? startTunnel() : stopTunnel();
      });
    },
    async configureCursor(dryRun) {
      const url = tunnelView().url;
      if (!url) {
        return { ok: false, message: "Turn the public tunnel on first: Cursor's servers call the bridge and cannot reach localhost.", diff: [], cursorRunning: false };
      }
      return cursorOutcome(() => configureCursor({ ...cursorTarget(), baseUrl: url, aliases: ALIAS_NAMES, dryRun }), {
        'dry-run': 'Configuring Cursor would change:',
        applied: `Cursor now uses the bridge at ${url}. Paste the bridge token into Cursor Settings → Models → OpenAI API Key.`,
        unchanged: `Cursor already uses the bridge at ${url}.`,
      });
    },
    undoCursor() {
      return cursorOutcome(() => undoCursor(cursorTarget()), {
        'dry-run': 'Undo would change:',
        applied: "Cursor's previous settings are back.",
        unchanged: 'Cursor holds nothing the bridge set; nothing to undo.',
      });
    },
    async setStartAtLogin(enabled) {
      const now = host.setStartAtLogin(enabled);
      bridge.settings.update({ startAtLogin: now });
      publishSnapshot();
      return now;
    },
    onLog(listener) {
      return bridge.log.subscribe(listener);
    },
    onSnapshot(listener) {
      snapshotListeners.add(listener);
      return () => snapshotListeners.delete(listener);
    },
    async restore() {
      const settings = bridge.settings.read();
      // A tray app is meant to be there after a restart: the first launch turns start-at-login on, once; from then
      // on only the user's choice counts.
      if (settings.startAtLogin === undefined) bridge.settings.update({ startAtLogin: host.setStartAtLogin(true) });
      if (settings.tunnel?.enabled === true) await serialized(startTunnel);
    },
    async close() {
      await serialized(stopTunnel);
      stopWatchingLimits();
      snapshotListeners.clear();
    },
  };
}

function limitsView(limits: UsageLimits): LimitsView {
  const credits = creditsText(limits);
  return {
    windows: labelledWindows(limits).map(({ label, window }) => ({
      label,
      usedPercent: window.usedPercent,
      ...(window.resetsAt !== undefined ? { resetsAt: new Date(window.resetsAt).toISOString() } : {}),
    })),
    limitReached: limits.limitReached,
    ...(credits ? { credits } : {}),
    observedAt: new Date(limits.observedAt).toISOString(),
  };
}

async function cursorOutcome(run: () => Promise<CursorWriteResult>, messages: Record<CursorWriteResult['status'], string>): Promise<CursorOutcome> {
  try {
    const result = await run();
    return { ok: true, message: messages[result.status], diff: result.diff, cursorRunning: result.cursorRunning };
  } catch (error) {
    const running = error instanceof CursorConfigError && error.reason === 'cursor_running';
    return { ok: false, message: (error as Error).message, diff: [], cursorRunning: running };
  }
}
