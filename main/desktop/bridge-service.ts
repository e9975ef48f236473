import os from 'node:os';
import type {
  AliasRow,
  BridgeApi,
  BridgeSnapshot,
  CheckRow,
  CursorOutcome,
  LogRow,
  TunnelView,
} from '../../shared/bridge-api.js';
import type { Bridge } from '../bridge.js';
import { configureCursor, cursorStatePaths, undoCursor, type CursorWriteResult } from '../cursor/configure.js';
import { systemProcessProbe, type ProcessProbe } from '../cursor/cursor-process.js';
import { CursorConfigError } from '../cursor/errors.js';
import { cursorDbPath } from '../cursor/locate-db.js';
import { runDoctorChecks } from '../doctor/checks.js';
import { ALIAS_NAMES } from '../models/aliases.js';
import { openPublicTunnel, type PublicTunnel } from '../public-tunnel.js';
import type { TunnelStatus } from '../tunnel/tunnel-manager.js';
import type { TunnelProvider } from '../tunnel/tunnel-provider.js';
import { BRIDGE_VERSION } from '../version.js';

/** What only the desktop shell can do (Electron's clipboard and login items); injected so the core stays plain Node. */
export interface DesktopHost {
  copyText(text: string): void | Promise<void>;
  startAtLogin(): boolean;
  setStartAtLogin(enabled: boolean): boolean;
}

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

  function tunnelView(): TunnelView {
    const status = tunnelStatus;
    if (!status) return { state: 'off', provider: bridge.settings.read().tunnel?.provider ?? 'ngrok' };
    return {
      state: status.state,
      provider: status.provider,
      ...(status.url ? { url: `${status.url}/v1` } : {}),
      ...(status.error ? { error: status.error } : {}),
      ...(status.hint ? { hint: status.hint } : {}),
    };
  }

  async function snapshot(): Promise<BridgeSnapshot> {
    const login = await bridge.auth.describe();
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
    };
  }

  function publishSnapshot(): void {
    if (snapshotListeners.size === 0) return;
    void snapshot().then((current) => {
      for (const listener of snapshotListeners) listener(current);
    });
  }

  async function startTunnel(): Promise<TunnelView> {
    tunnel ??= openPublicTunnel(bridge, {
      env: options.env,
      ...(options.tunnelProvider ? { provider: options.tunnelProvider } : {}),
      cursorProbe: probe,
      onStatus: (status) => {
        tunnelStatus = status;
        publishSnapshot();
      },
    });
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
      const token = await bridge.rotateToken();
      publishSnapshot();
      return token;
    },
    async copyText(text) {
      await host.copyText(text);
    },
    async setTunnel(enabled) {
      bridge.settings.update({ tunnel: { enabled } });
      return enabled ? startTunnel() : stopTunnel();
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
      if (bridge.settings.read().tunnel?.enabled === true) await startTunnel();
    },
    async close() {
      await stopTunnel();
      snapshotListeners.clear();
    },
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
