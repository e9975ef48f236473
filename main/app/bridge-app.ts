import type { ActionOutcome, CheckRow, LogRow, PastRow, SettingsChange, SettingsOutcome, SettingsView, SignInMethod, TunnelView, UsageReportView } from '../../shared/bridge-api.js';
import { authManagerFor, startBridge, type Bridge, type BridgeOptions } from '../bridge.js';
import type { BridgeConfig } from '../config/bridge-config.js';
import { systemProcessProbe, type ProcessProbe } from '../cursor/cursor-process.js';
import { readPublicUrl } from '../cursor/follow-tunnel-url.js';
import { runDoctorChecks } from '../doctor/checks.js';
import { ALIAS_NAMES } from '../models/aliases.js';
import { LOOPBACK_HOSTS } from '../server/guard.js';
import { listenFailureMessage, type ListenRemedies } from '../server/listen-failure.js';
import { loadOrCreateBridgeToken, rotateBridgeToken } from '../settings/bridge-token.js';
import { createSecretStore, type SecretCipher } from '../settings/secret-store.js';
import {
  createSettingsStore,
  settingsFileOptions,
  type BridgeSettings,
  type SettingsFile,
  type SettingsFileOptions,
  type TunnelSettings,
} from '../settings/settings-store.js';
import { settleWithin } from '../settle-within.js';
import { tunnelProviderFor } from '../tunnel/configured-provider.js';
import { createTunnelManager, type BackoffOptions, type TunnelManager, type TunnelStatus } from '../tunnel/tunnel-manager.js';
import type { TunnelProvider } from '../tunnel/tunnel-provider.js';
import { createUpstreamClient } from '../upstream/upstream-client.js';
import { BRIDGE_VERSION } from '../version.js';
import { initialState, limitsOf, loginOf, tunnelLine, withFinished, type AppState } from './app-state.js';
import { createCursorUseCases, cursorTarget, type ConfigureRequest, type CursorOutcome, type UndoRequest } from './cursor.js';
import { signIn, signOut, type SignInDeps } from './sign-in.js';
import { createStateStore, type Snapshot, type StateStore } from './state-store.js';
import { createSettingsUseCases } from './settings.js';
import {
  notifyLoginProblem,
  notifyTunnelDown,
  notifyTunnelUrlChanged,
  notifyUsageThresholds,
  refreshAliasesOnNewPlan,
  repointCursorOnNewTunnelUrl,
  type Notify,
} from './subscribers.js';
import { pastRequests, readForecasts, usageReportFor, usageReportView } from './usage-history.js';

/** In-flight requests get this long to finish when the bridge stops, whichever surface stops it. */
export const SHUTDOWN_GRACE_MS = 5_000;
export const SHUTDOWN_NOTICE = `finishing in-flight requests (up to ${SHUTDOWN_GRACE_MS / 1000} s)…`;
/** The start waits this long for the live catalog, so the first aliases shown are the real ones. */
const CATALOG_WAIT_MS = 5_000;
/** A snapshot never waits longer than this for the backend's usage page; limits that come later are published. */
const LIMITS_WAIT_MS = 1_500;
/** New limits are forecast again this long after they stop changing: off the request path, after the history has them. */
const FORECAST_AFTER_MS = 2_000;

/** Starting at login: only the desktop has it (Electron's login items, an XDG autostart entry on Linux). */
export interface LoginItem {
  isEnabled(): boolean;
  /** Returns what the system now says. */
  setEnabled(enabled: boolean): boolean;
}

export interface BridgeAppDeps {
  config: BridgeConfig;
  env: NodeJS.ProcessEnv;
  /** How the user picks another address where a start failure is shown (flags, or the app's environment). */
  listenRemedies: ListenRemedies;
  /** Require the bridge token on /v1/* even on localhost (`--require-token`). */
  requireToken?: boolean;
  /** Replaces the tunnel provider the settings name; a function is given the tunnel settings (with the authtoken) at each start. */
  tunnelProvider?: TunnelProvider | ((settings: TunnelSettings) => TunnelProvider);
  tunnelBackoff?: BackoffOptions;
  /** Replaces the check for a running Cursor. */
  cursorProbe?: ProcessProbe;
  loginItem?: LoginItem;
  /** Opens the system browser for the sign-in (the desktop: Electron's shell); absent, the URL is only shown. */
  openBrowser?: (url: string) => Promise<boolean>;
  /** Replaces the sign-in callback ports 1455/1457 and the browser wait (tests: ephemeral ports, short waits). */
  signIn?: Pick<SignInDeps, 'callbackPorts' | 'timeoutMs'>;
  /** How the public-URL test reaches the internet (default: the global fetch; tests go through the fake tunnel). */
  fetchPublic?: typeof fetch;
  /** Opens settings.json with these options: electron-store in the app, conf in the CLI (`openConfSettingsFile`). */
  openSettingsFile(options: SettingsFileOptions): SettingsFile;
  /** The OS keychain (Electron's safeStorage) where it is available; without it secrets are 0600 files. */
  secretCipher?: SecretCipher;
  /** Where notices go: OS notifications in the app, lines in the CLI. */
  notify?: Notify;
  server?: Pick<BridgeOptions, 'onInternalError' | 'onDebug' | 'keepAliveMs' | 'onHistoryProblem'>;
}

export interface StartOutcome {
  ok: boolean;
  message: string;
  /** Things to know that did not stop the start (listening beyond this machine without a token). */
  warnings?: string[];
}

export interface ChecksOutcome {
  ok: boolean;
  checks: CheckRow[];
  /** `All checks passed.` or how many failed. */
  message: string;
}

export interface TunnelOutcome {
  ok: boolean;
  tunnel: TunnelView;
  /** The tunnel in one line (`tunnelLine`). */
  message: string;
}

export interface TokenOutcome {
  token: string;
  message: string;
}

export type { SettingsOutcome };

export interface BridgeApp {
  readonly state: StateStore<AppState>;
  /** Listens, reads the login and waits briefly for the live catalog. */
  start(): Promise<StartOutcome>;
  /** What the user left on: the tunnel (unless `tunnel` overrides the setting), start at login on first launch. */
  restore(options?: { tunnel?: boolean }): Promise<TunnelOutcome | undefined>;
  /** Stops the tunnel and the server, giving in-flight requests SHUTDOWN_GRACE_MS. */
  stop(): Promise<StartOutcome>;
  /** Reads the login and the usage limits again into the state (a window opening, a tray menu). */
  refresh(): Promise<Snapshot<AppState>>;
  checks(): Promise<ChecksOutcome>;
  token(): string;
  rotateToken(): TokenOutcome;
  /** Turns the public tunnel on or off; resolves with the first outcome. `remember` (default) keeps the choice. */
  setTunnel(enabled: boolean, options?: { remember?: boolean }): Promise<TunnelOutcome>;
  previewCursor(request?: Omit<ConfigureRequest, 'dryRun' | 'waitForCursor'>): Promise<CursorOutcome>;
  configureCursor(request?: Omit<ConfigureRequest, 'dryRun'>): Promise<CursorOutcome>;
  undoCursor(request?: UndoRequest): Promise<CursorOutcome>;
  /** Ends a Cursor write that waits for Cursor to quit; that write answers STOPPED_WAITING. */
  cancelCursorWait(): void;
  /** settings.json as the settings form shows it. */
  getSettings(): SettingsView;
  /** Saves a change; the outcome says what is in force now and what needs a restart, or what is wrong, in words. */
  updateSettings(change: SettingsChange): SettingsOutcome;
  /** The last finished requests, oldest first. */
  recentRequests(): LogRow[];
  /** Past requests from the usage history, newest first, older than `before` (epoch ms) when given. */
  requestHistory(limit: number, before?: number): PastRow[];
  /** The usage history of the last `days` days, for charts. */
  usageReport(days: number): UsageReportView;
  /**
   * Signs in with ChatGPT (browser PKCE or device code); the progress is in `state.signIn`, and on success the login
   * is read again into the state (the aliases follow the plan). A second call while one runs cancels the first.
   */
  signIn(request: { method: SignInMethod }): Promise<ActionOutcome>;
  /** Ends the sign-in under way; it answers that it was cancelled. */
  cancelSignIn(): void;
  /** Revokes the login at the issuer and removes it from auth.json; the state then says "Needs sign-in". */
  signOut(): Promise<ActionOutcome>;
  /** One real `GET /v1/models` through the public URL with the bridge token: the way Cursor's servers come in. */
  testPublicUrl(): Promise<ActionOutcome>;
}

const NOT_RUNNING = 'The bridge is not running.';
/** How long the public-URL test waits for the answer through the tunnel. */
const PUBLIC_TEST_TIMEOUT_MS = 15_000;

function tunnelView(status: TunnelStatus): AppState['tunnel'] {
  return {
    state: status.state,
    provider: status.provider,
    ...(status.url ? { url: `${status.url}/v1`, publicUrl: status.url } : {}),
    ...(status.error ? { error: status.error } : {}),
    ...(status.hint ? { hint: status.hint } : {}),
  };
}

function withoutPublicUrl({ publicUrl: _publicUrl, ...view }: Snapshot<AppState['tunnel']>): TunnelView {
  return view;
}

function startAtLoginWith(loginItem: LoginItem) {
  return (enabled: boolean): { ok: boolean; now: boolean; message?: string } => {
    const now = loginItem.setEnabled(enabled);
    return { ok: now === enabled, now, ...(now === enabled ? {} : { message: `The system kept start at login ${now ? 'on' : 'off'}.` }) };
  };
}

export function createBridgeApp(deps: BridgeAppDeps): BridgeApp {
  const { config, env } = deps;
  const secrets = createSecretStore(config.home, deps.secretCipher);
  const settings = createSettingsStore(config.home, () => deps.openSettingsFile(settingsFileOptions(config.home, secrets)));
  const safeSettings = (): BridgeSettings => {
    try {
      return settings.read();
    } catch {
      return {}; // the start reports a broken file; later, the last good settings are served
    }
  };
  /** The ngrok authtoken from the secret store; one this process cannot open is left to ngrok's own config. */
  const ngrokAuthtoken = (): string | undefined => {
    try {
      return secrets.read('ngrok-authtoken');
    } catch {
      return undefined;
    }
  };
  const settingsUseCases = createSettingsUseCases({
    config,
    settings,
    secrets,
    startAtLogin: () => deps.loginItem?.isEnabled() ?? safeSettings().startAtLogin === true,
    ...(deps.loginItem ? { setStartAtLogin: startAtLoginWith(deps.loginItem) } : {}),
  });
  const probe = deps.cursorProbe ?? systemProcessProbe();
  const target = () => cursorTarget(env, config.home, probe);
  const store = createStateStore<AppState>(
    initialState(BRIDGE_VERSION, config.authPath, safeSettings().tunnel?.provider ?? 'ngrok', { startAtLogin: deps.loginItem?.isEnabled() ?? false, secretsStorage: secrets.storage }),
  );
  const patch = <K extends keyof AppState>(key: K, value: AppState[K] | Snapshot<AppState[K]>): void =>
    store.update((state) => ({ ...state, [key]: value }));

  let bridge: Bridge | undefined;
  let stopping: (() => void)[] = [];

  function refreshForecasts(): void {
    const forecasts = readForecasts(config.home, Date.now());
    if (JSON.stringify(forecasts) !== JSON.stringify(store.get().forecasts)) patch('forecasts', forecasts);
  }

  /** Limits change with nearly every answer: the forecast follows once they settle, never on the request path. */
  function forecastLater(): () => void {
    let timer: NodeJS.Timeout | undefined;
    const unsubscribe = store.subscribe((next, previous) => {
      if (next.limits === previous.limits) return;
      clearTimeout(timer);
      timer = setTimeout(refreshForecasts, FORECAST_AFTER_MS);
      timer.unref();
    });
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }

  const cursor = createCursorUseCases({
    target,
    aliases: ALIAS_NAMES,
    bridgeToken: () => bridge?.bridgeToken ?? loadOrCreateBridgeToken(secrets),
    publicUrl: () => store.get().tunnel.publicUrl ?? readPublicUrl(config.home),
    onWait: (wait) => store.update((state) => ({ ...state, cursor: { ...state.cursor, wait } })),
    onConfigured: (configured) => store.update((state) => ({ ...state, cursor: { ...state.cursor, configured } })),
  });

  // Tunnel switches run one after another: a stop still winding down must not undo a start that came after it.
  let tunnel: TunnelManager | undefined;
  let tunnelSwitch: Promise<unknown> = Promise.resolve();
  const serialized = <T>(change: () => Promise<T>): Promise<T> => {
    const next = tunnelSwitch.then(change, change);
    tunnelSwitch = next.catch(() => undefined);
    return next;
  };

  function showTunnel(view: AppState['tunnel']): void {
    patch('tunnel', view);
    // The guard reads the tunnel from the state; the token requirement follows it.
    if (bridge) patch('server', { ...store.get().server, tokenRequired: bridge.tokenRequired() });
  }

  function tunnelOutcome(): TunnelOutcome {
    const view = store.get().tunnel;
    const ok = view.state === 'online' || view.state === 'off';
    return { ok, tunnel: withoutPublicUrl(view), message: tunnelLine(view) };
  }

  async function startTunnel(running: Bridge): Promise<TunnelOutcome> {
    if (tunnel && store.get().tunnel.state === 'failed') {
      // Retry after a failure: a new tunnel from the settings as they are now (an authtoken just entered).
      const failed = tunnel;
      tunnel = undefined;
      await failed.stop();
    }
    if (!tunnel) {
      const saved = safeSettings().tunnel;
      const tunnelSettings = { ...saved, authtoken: ngrokAuthtoken() ?? saved?.authtoken };
      const chosen = deps.tunnelProvider;
      const provider = typeof chosen === 'function' ? chosen(tunnelSettings) : (chosen ?? tunnelProviderFor(tunnelSettings, env));
      const manager: TunnelManager = createTunnelManager({
        provider,
        localPort: running.address.port,
        localHost: running.config.host,
        ...(deps.tunnelBackoff ? { backoff: deps.tunnelBackoff } : {}),
        onStatus: (status) => {
          if (tunnel === manager) showTunnel(tunnelView(status)); // else: a stopped tunnel's last words
        },
      });
      tunnel = manager;
      // From the first moment the token is required: anything arriving through the tunnel looks local.
      showTunnel({ state: 'connecting', provider: provider.name });
    }
    await tunnel.start();
    return tunnelOutcome();
  }

  async function stopTunnel(): Promise<TunnelOutcome> {
    const running = tunnel;
    tunnel = undefined;
    await running?.stop();
    showTunnel({ state: 'off', provider: running ? store.get().tunnel.provider : (safeSettings().tunnel?.provider ?? 'ngrok') });
    return tunnelOutcome();
  }

  let signingIn: AbortController | undefined;
  /** The configuration with settings.json's port and address, unless a flag or the environment named them. */
  function listenConfig(): BridgeConfig {
    const saved = safeSettings();
    return {
      ...config,
      ...(saved.port !== undefined && config.addressGiven?.port === false ? { port: saved.port } : {}),
      ...(saved.host !== undefined && config.addressGiven?.host === false ? { host: saved.host } : {}),
    };
  }

  async function refreshLogin(): Promise<void> {
    const login = loginOf(await (bridge?.auth ?? authManagerFor(config)).describe());
    if (JSON.stringify(login) !== JSON.stringify(store.get().login)) patch('login', login);
  }

  async function syncCatalog(): Promise<void> {
    if (!bridge) return;
    const aliases = await bridge.models.list();
    const status = bridge.models.catalogStatus();
    store.update((state) => ({ ...state, aliases, catalog: { state: status.state, models: status.models, lastError: status.lastError } }));
  }

  const app: BridgeApp = {
    state: store,

    async start() {
      if (bridge) return { ok: true, message: `Serving ${bridge.baseUrl}/v1` };
      let started: Bridge;
      const listenAt = listenConfig();
      try {
        started = await startBridge({
          config: listenAt,
          settings,
          secrets,
          ...(deps.requireToken ? { requireToken: true } : {}),
          ...deps.server,
          exposure: () => {
            const view = store.get().tunnel;
            // A failed tunnel gave up (it is not retrying): nothing arrives through it, so localhost needs no token again.
            return { active: view.state !== 'off' && view.state !== 'failed', ...(view.publicUrl ? { host: new URL(view.publicUrl).hostname } : {}) };
          },
          planType: () => store.get().login.planType,
        });
      } catch (error) {
        return { ok: false, message: listenFailureMessage(error, listenAt.host, listenAt.port, deps.listenRemedies) };
      }
      bridge = started;
      stopping = [
        started.log.subscribe((last) => store.update((state) => ({ ...state, requests: withFinished(state.requests, last) }))),
        started.log.watchInFlight((inFlight) => store.update((state) => ({ ...state, requests: { ...state.requests, inFlight } }))),
        forecastLater(),
        started.onLimitsChange((limits) => patch('limits', limitsOf(limits))),
        repointCursorOnNewTunnelUrl({ store, home: config.home, target, aliases: ALIAS_NAMES }),
        refreshAliasesOnNewPlan(store, syncCatalog),
        ...(deps.notify
          ? [notifyTunnelUrlChanged, notifyTunnelDown, notifyLoginProblem, notifyUsageThresholds].map((subscriber) => subscriber(store, deps.notify!))
          : []),
      ];
      patch('server', { running: true, baseUrl: started.baseUrl, tokenRequired: started.tokenRequired() });
      const [configured] = await Promise.all([cursor.isConfigured(), refreshLogin(), settleWithin(started.models.refresh(), CATALOG_WAIT_MS)]);
      await syncCatalog();
      store.update((state) => ({ ...state, cursor: { ...state.cursor, configured } }));
      const open = !LOOPBACK_HOSTS.includes(started.config.host) && !started.tokenRequired();
      return {
        ok: true,
        message: `Serving ${started.baseUrl}/v1`,
        ...(open
          ? {
              warnings: [
                `Listening on ${started.config.host} without a token: anyone who can reach this address can use your ChatGPT subscription. Require the bridge token (--require-token, or "requireToken": true in the settings); clients then send it as their API key.`,
              ],
            }
          : {}),
      };
    },

    async restore(options = {}) {
      const saved = safeSettings();
      // A tray app is meant to be there after a restart: the first launch turns start-at-login on, once; from then
      // on only the user's choice counts.
      if (deps.loginItem && saved.startAtLogin === undefined) app.updateSettings({ startAtLogin: true });
      if (options.tunnel ?? saved.tunnel?.enabled === true) return app.setTunnel(true, { remember: false });
      return undefined;
    },

    async stop() {
      cursor.cancelWait();
      await serialized(stopTunnel);
      const running = bridge;
      bridge = undefined;
      if (!running) return { ok: true, message: NOT_RUNNING };
      await running.close(SHUTDOWN_GRACE_MS);
      for (const unsubscribe of stopping.splice(0)) unsubscribe();
      patch('server', { running: false, tokenRequired: false });
      return { ok: true, message: 'The bridge has stopped.' };
    },

    async refresh() {
      const limits = bridge ? await settleWithin(bridge.usage(), LIMITS_WAIT_MS) : undefined;
      await refreshLogin();
      if (limits) patch('limits', limitsOf(limits));
      refreshForecasts();
      const status = bridge?.models.catalogStatus();
      if (status && (status.state !== store.get().catalog.state || status.models !== store.get().catalog.models)) await syncCatalog();
      return store.get();
    },

    async checks() {
      let checks: CheckRow[];
      if (bridge) {
        // The usage check reads the backend afresh: the meters show those same numbers (they used to keep older ones).
        const onUsageLimits = (limits: Parameters<typeof limitsOf>[0]) => patch('limits', limitsOf(limits));
        checks = await runDoctorChecks({ config, auth: bridge.auth, upstream: bridge.upstream, env, skipPort: true, onUsageLimits });
      } else {
        // Not serving: ask the backend once, without the retries a client request gets, and check the port is free.
        const auth = authManagerFor(config);
        const upstream = createUpstreamClient({ config, credentials: auth, backoff: { maxAttempts: 1, initialDelayMs: 0, maxDelayMs: 0 }, idleTimeoutMs: 10_000 });
        try {
          checks = await runDoctorChecks({ config: listenConfig(), auth, upstream, env });
        } finally {
          await upstream.close();
        }
      }
      await refreshLogin();
      const failed = checks.filter((check) => !check.ok).length;
      return { ok: failed === 0, checks, message: failed === 0 ? 'All checks passed.' : `${failed} check${failed === 1 ? '' : 's'} failed.` };
    },

    token: () => bridge?.bridgeToken ?? loadOrCreateBridgeToken(secrets),

    rotateToken() {
      if (bridge) return { token: bridge.rotateToken(), message: 'The bridge token was replaced; clients must send the new one from now on.' };
      return { token: rotateBridgeToken(secrets), message: 'The bridge token was replaced; a bridge already running refuses the old one within a second.' };
    },

    setTunnel(enabled, options = {}) {
      return serialized(async () => {
        const running = bridge;
        if (!running) return { ok: false, tunnel: withoutPublicUrl(store.get().tunnel), message: NOT_RUNNING };
        if (options.remember !== false) settings.update({ tunnel: { enabled } });
        return enabled ? startTunnel(running) : stopTunnel();
      });
    },

    previewCursor: (request = {}) => cursor.configure({ ...request, dryRun: true }),
    configureCursor: (request = {}) => cursor.configure(request),
    undoCursor: (request = {}) => cursor.undo(request),
    cancelCursorWait: () => cursor.cancelWait(),

    getSettings: () => settingsUseCases.view(),

    updateSettings(change) {
      const outcome = settingsUseCases.update(change, store.get().tunnel.state !== 'off');
      patch('settings', { ...store.get().settings, startAtLogin: outcome.settings.startAtLogin });
      return outcome;
    },

    recentRequests: () => [...store.get().requests.recent],
    requestHistory: (limit, before) => pastRequests(config.home, limit, before),
    usageReport(days) {
      const now = Date.now();
      return usageReportView(usageReportFor(config.home, days, now), days, now);
    },

    async signIn({ method }) {
      signingIn?.abort();
      const cancel = new AbortController();
      signingIn = cancel;
      const mine = (): boolean => signingIn === cancel;
      patch('signIn', { state: 'starting', method });
      const outcome = await signIn(method, {
        config,
        env,
        signal: cancel.signal,
        ...(deps.openBrowser ? { openBrowser: deps.openBrowser } : {}),
        ...deps.signIn,
        onProgress: (event) => {
          if (!mine()) return;
          if (event.kind === 'authorize-url') patch('signIn', { state: 'waiting-browser', url: event.url, opened: event.opened });
          else patch('signIn', { state: 'device-code', userCode: event.userCode, verificationUrl: event.verificationUrl });
        },
      });
      if (!mine()) return { ok: outcome.ok, message: outcome.message };
      signingIn = undefined;
      if (outcome.ok) {
        await refreshLogin();
        // The catalog the new account's plan offers (without a login it was the built-in list).
        if (bridge) await settleWithin(bridge.models.refresh(), CATALOG_WAIT_MS).then(syncCatalog);
        patch('signIn', { state: 'done', message: outcome.message });
      } else {
        patch('signIn', { state: 'failed', message: outcome.message, cancelled: outcome.reason === 'cancelled' });
      }
      return { ok: outcome.ok, message: outcome.message };
    },

    cancelSignIn: () => signingIn?.abort(),

    async signOut() {
      const outcome = await signOut({ config, env });
      await refreshLogin();
      store.update(({ signIn: _ended, ...state }) => state);
      return { ok: outcome.ok, message: outcome.message };
    },

    async testPublicUrl() {
      const publicUrl = store.get().tunnel.publicUrl;
      if (store.get().tunnel.state !== 'online' || !publicUrl) return { ok: false, message: 'Turn the public tunnel on first: the test goes through it.' };
      const url = `${publicUrl}/v1/models`;
      try {
        const answer = await (deps.fetchPublic ?? fetch)(url, { headers: { authorization: `Bearer ${app.token()}` }, signal: AbortSignal.timeout(PUBLIC_TEST_TIMEOUT_MS) });
        if (!answer.ok) return { ok: false, message: `${url} answered ${answer.status}: ${await failureText(answer)}` };
        const body = (await answer.json()) as { data?: unknown[] };
        return { ok: true, message: `${url} answered with ${body.data?.length ?? 0} models: Cursor can reach the bridge.` };
      } catch (error) {
        return { ok: false, message: `${url} did not answer: ${error instanceof Error ? error.message : String(error)}` };
      }
    },
  };
  return app;
}

/** The error message of an OpenAI-style error body, else the start of the text. */
async function failureText(answer: Response): Promise<string> {
  const text = await answer.text();
  try {
    return (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text.slice(0, 200);
  } catch {
    return text.slice(0, 200);
  }
}
