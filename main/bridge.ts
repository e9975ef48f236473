import os from 'node:os';
import type { AddressInfo } from 'node:net';
import { createAuthManager, type AuthManager } from './auth/auth-manager.js';
import type { BridgeConfig } from './config/bridge-config.js';
import { catalogPath, parseCatalog } from './models/catalog.js';
import { createHistoryRecorder } from './history/history-recorder.js';
import { openHistoryStore } from './history/history-store.js';
import { claudeListings, claudeModelMap } from './models/claude-models.js';
import { createModelRegistry, NO_OVERRIDES, type ModelRegistry } from './models/registry.js';
import { createBridgeServer, type BridgeServer } from './server/bridge-server.js';
import { LOOPBACK_HOSTS, type GuardPolicy } from './server/guard.js';
import type { ServerLimits } from './server/limits.js';
import { redactForLog } from './server/redact.js';
import { RequestLog } from './server/request-log.js';
import { loadOrCreateBridgeToken, rotateBridgeToken } from './settings/bridge-token.js';
import { createSecretStore, type SecretStore } from './settings/secret-store.js';
import { createSettingsStore, openConfSettingsFile, settingsFileOptions, type BridgeSettings, type SettingsStore } from './settings/settings-store.js';
import { userAgent } from './upstream/codex-headers.js';
import { createUpstreamClient, type UpstreamClient } from './upstream/upstream-client.js';
import { usagePath, type UsageLimits } from './usage/usage-limits.js';
import { createUsageTracker } from './usage/usage-tracker.js';
import { BRIDGE_VERSION } from './version.js';

/** The catalog is a small JSON document: a backend slower than this is treated as unreachable for it. */
const CATALOG_TIMEOUT_MS = 10_000;
const TOKEN_CHECK_INTERVAL_MS = 1_000;
export const DEFAULT_HISTORY_RETENTION_DAYS = 90;

export interface BridgeOptions {
  config: BridgeConfig;
  /** Require the bridge token on /v1/* even on localhost (`--require-token`; also a setting). */
  requireToken?: boolean;
  /** Called with a bug that reached the top of a request (the client got a 500). */
  onInternalError?(error: unknown): void;
  /** SSE keep-alive comment interval during silences (default 15 s). */
  keepAliveMs?: number;
  /** Where CODEX_BRIDGE_DEBUG=1 output goes (redacted request bodies). */
  onDebug?(line: string): void;
  /** The settings file's store, when the caller already holds one (one cache for everyone); else conf's. */
  settings?: SettingsStore;
  /** Where the bridge token is kept (the app's OS keychain); else plain 0600 files. */
  secrets?: SecretStore;
  /** The public tunnel as the guard must see it, asked on every request (the application's state). */
  exposure?(): PublicExposure;
  /** The account's plan (`pro`, `plus`…), which picks the catalog's models; asked on every catalog resolution. */
  planType?(): string | undefined;
  /** Told once when the usage history cannot be recorded (requests keep working). */
  onHistoryProblem?(message: string): void;
  /** Overrides of the server's limits (timeouts, connection cap, body bounds); defaults in server/limits.ts. */
  serverLimits?: Partial<ServerLimits>;
}

/**
 * While a public tunnel is anything but off, everything arriving through it looks local, so /v1/* requires the
 * token; its public host joins the Host names the guard accepts once it is known.
 */
export interface PublicExposure {
  active: boolean;
  /** The tunnel's public host name, once online. */
  host?: string;
}

/** The running core: what the CLI and the Electron shell both hold. */
export interface Bridge {
  readonly config: BridgeConfig;
  readonly address: AddressInfo;
  /** `http://host:port` as a client should use it (loopback name when bound to all interfaces). */
  readonly baseUrl: string;
  readonly auth: AuthManager;
  readonly models: ModelRegistry;
  readonly upstream: UpstreamClient;
  readonly settings: SettingsStore;
  readonly log: RequestLog;
  /** The bearer token /v1/* requires when a token is required (through the tunnel, --require-token). */
  readonly bridgeToken: string;
  /** Replaces the bridge token on disk and at once for every new request. */
  rotateToken(): string;
  /** The account's latest usage limits: from the last model answer, else asked of the backend; undefined while unknown. */
  usage(): Promise<UsageLimits | undefined>;
  /** Called when an answer brings limits that differ from the last ones; returns the unsubscribe. */
  onLimitsChange(listener: (limits: UsageLimits) => void): () => void;
  /** Whether /v1/* currently requires the bridge token. */
  tokenRequired(): boolean;
  close(graceMs?: number): Promise<void>;
}

/** The Codex login as this configuration names it (the bridge and `doctor` share it). */
export function authManagerFor(config: BridgeConfig): AuthManager {
  return createAuthManager({
    authPath: config.authPath,
    refreshTokenUrl: config.refreshTokenUrl,
    clientId: config.clientId,
    originator: config.originator,
    userAgent: userAgent(config),
  });
}

export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const { config } = options;
  const secrets = options.secrets ?? createSecretStore(config.home);
  const settings = options.settings ?? createSettingsStore(config.home, () => openConfSettingsFile(settingsFileOptions(config.home, secrets)));
  // A broken settings file stops the start with its message; broken later, the last good settings stay in force.
  let lastGoodSettings = settings.read();
  const currentSettings = (): BridgeSettings => {
    try {
      lastGoodSettings = settings.read();
    } catch {
      // Keep serving with what was valid; `doctor` and the window report the file's error.
    }
    return lastGoodSettings;
  };
  const initialSettings = lastGoodSettings;
  // Read again at most once a second, so a token replaced by another process (`token --rotate`) is in force at once.
  let bridgeToken = loadOrCreateBridgeToken(secrets);
  let tokenReadAt = Date.now();
  const currentToken = (): string => {
    if (Date.now() - tokenReadAt >= TOKEN_CHECK_INTERVAL_MS) {
      tokenReadAt = Date.now();
      try {
        bridgeToken = loadOrCreateBridgeToken(secrets);
      } catch {
        // Unreadable now: the token in force stays.
      }
    }
    return bridgeToken;
  };
  const auth = authManagerFor(config);
  // The tracker learns the account's limits from every backend answer (errors included) and asks wham/usage otherwise.
  const limits = createUsageTracker({ fetchUsage: () => upstream.getJson(usagePath(config.upstreamBase)) });
  const upstream = createUpstreamClient({
    config,
    credentials: auth,
    idleTimeoutMs: initialSettings.idleTimeoutMs,
    onResponseHeaders: limits.observe,
  });
  const models = createModelRegistry({
    fetchCatalog: async () => parseCatalog(await upstream.getJson(catalogPath(config.clientVersion), AbortSignal.timeout(CATALOG_TIMEOUT_MS))),
    overrides: () => currentSettings().modelOverrides ?? NO_OVERRIDES,
    planType: () => options.planType?.(),
  });

  const log = new RequestLog();
  const history = createHistoryRecorder({
    open: () => openHistoryStore(config.home),
    retentionDays: () => currentSettings().historyRetentionDays ?? DEFAULT_HISTORY_RETENTION_DAYS,
    onProblem: (message) => options.onHistoryProblem?.(message),
  });
  log.subscribe(history.request);
  limits.subscribeReadings(history.limits);
  // Asked on every request: built once, and again only when the tunnel's host changes.
  const fixedHosts = [...LOOPBACK_HOSTS, ...bindHosts(config.host)];
  let publicHost: string | undefined;
  let allowedHosts: ReadonlySet<string> = new Set(fixedHosts);
  const exposure = (): PublicExposure => options.exposure?.() ?? { active: false };
  const tokenRequired = (): boolean => exposure().active || options.requireToken === true || currentSettings().requireToken === true;
  const guard: GuardPolicy = {
    allowedHosts: () => {
      const host = exposure().host?.toLowerCase();
      if (host !== publicHost) {
        publicHost = host;
        allowedHosts = new Set(host ? [...fixedHosts, host] : fixedHosts);
      }
      return allowedHosts;
    },
    allowedOrigins: () => currentSettings().allowedOrigins ?? [],
    requiredToken: () => (tokenRequired() ? currentToken() : undefined),
  };
  const server: BridgeServer = createBridgeServer({
    services: {
      models,
      upstream,
      reasoningSummaries: () => currentSettings().reasoningSummaries === true,
      usageLimitFallback: () => usageLimitFallback(currentSettings()),
      claudeModels: () => claudeModelMap(currentSettings().claudeModels),
      ...(options.keepAliveMs ? { keepAliveMs: options.keepAliveMs } : {}),
      ...(config.debug && options.onDebug
        ? { debug: (label: string, body: unknown) => options.onDebug?.(`[debug] ${label}: ${JSON.stringify(redactForLog(body))}`) }
        : {}),
    },
    listAliases: async () => {
      const aliases = await models.list();
      return [...aliases, ...claudeListings(claudeModelMap(currentSettings().claudeModels), aliases)];
    },
    guard,
    log,
    version: BRIDGE_VERSION,
    onInternalError: options.onInternalError,
    limits: options.serverLimits,
  });

  let address: AddressInfo;
  try {
    address = await server.listen(config.port, config.host);
  } catch (error) {
    await upstream.close();
    history.close();
    throw error;
  }
  const clientHost = isWildcard(config.host) ? '127.0.0.1' : config.host.includes(':') ? `[${config.host}]` : config.host;

  return {
    config,
    address,
    baseUrl: `http://${clientHost}:${address.port}`,
    auth,
    models,
    upstream,
    settings,
    log,
    get bridgeToken() {
      return currentToken();
    },
    rotateToken() {
      bridgeToken = rotateBridgeToken(secrets);
      tokenReadAt = Date.now();
      return bridgeToken;
    },
    usage: limits.current,
    onLimitsChange: limits.subscribe,
    tokenRequired,
    async close(graceMs) {
      await server.close(graceMs);
      await upstream.close();
      history.close();
    },
  };
}

function usageLimitFallback(settings: BridgeSettings): string | undefined {
  const choice = settings.onUsageLimit;
  return typeof choice === 'object' ? choice.fallback : undefined;
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

/** The names a client may use for the bind address; all interface addresses when bound to every interface. */
function bindHosts(host: string): string[] {
  if (!isWildcard(host)) return [host.toLowerCase(), host.includes(':') && !host.startsWith('[') ? `[${host.toLowerCase()}]` : host.toLowerCase()];
  const names = [os.hostname().toLowerCase()];
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const info of addresses ?? []) names.push(info.family === 'IPv6' ? `[${info.address.toLowerCase()}]` : info.address);
  }
  return names;
}
