import { access, constants } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type { AuthManager } from '../auth/auth-manager.js';
import type { BridgeConfig } from '../config/bridge-config.js';
import { catalogPath, parseCatalog } from '../models/catalog.js';
import type { UpstreamClient } from '../upstream/upstream-client.js';
import { whenText } from '../../shared/time-text.js';
import { blockedUntil, describeLimits } from '../usage/describe-limits.js';
import { parseUsageBody, usagePath, type UsageLimits } from '../usage/usage-limits.js';

export interface CheckResult {
  id: 'node' | 'codex-cli' | 'auth-file' | 'plan' | 'token-expiry' | 'upstream' | 'usage-limits' | 'port';
  title: string;
  ok: boolean;
  /** What was found. */
  detail: string;
  /** What to do about it, when not ok. */
  fix?: string;
}

export interface DoctorDeps {
  config: Pick<BridgeConfig, 'host' | 'port' | 'clientVersion' | 'upstreamBase'>;
  auth: Pick<AuthManager, 'describe'>;
  upstream: Pick<UpstreamClient, 'getJson'>;
  env: NodeJS.ProcessEnv;
  nodeVersion?: string;
  platform?: NodeJS.Platform;
  now?: () => number;
  /** Skip the port check when the caller is the running bridge itself (the port is ours). */
  skipPort?: boolean;
  /** Hears the limits the usage check read, so a surface shows these numbers beside the check, not older ones. */
  onUsageLimits?(limits: UsageLimits): void;
}

const MIN_NODE = [20, 19] as const;
/** Where the Codex CLI sends users to see and extend their usage. */
const USAGE_SETTINGS_URL = 'https://chatgpt.com/codex/settings/usage';

/** The prerequisite checks `doctor` prints and the desktop window shows. Never throws. */
export async function runDoctorChecks(deps: DoctorDeps): Promise<CheckResult[]> {
  const now = deps.now ?? Date.now;
  const results: CheckResult[] = [checkNode(deps.nodeVersion ?? process.versions.node), await checkCodexCli(deps.env, deps.platform ?? process.platform)];
  const found = await deps.auth.describe();
  const loggedIn = found.state === 'ok' || found.state === 'refresh-failed';
  // The live probe uses the login and refreshes it when due, so the login is described again after it: a refresh
  // token the backend refuses (already used by the Codex CLI, revoked) is reported here, not only on first use.
  const [upstream, limits] = await Promise.all([checkUpstream(deps, loggedIn), loggedIn ? checkUsageLimits(deps, now) : undefined]);
  const auth = loggedIn ? await deps.auth.describe() : found;
  results.push({
    id: 'auth-file',
    title: 'Codex login (auth.json)',
    ok: auth.state === 'ok',
    detail: auth.state === 'ok' ? `${auth.authPath}${auth.email ? ` (${auth.email})` : ''}` : (auth.message ?? auth.state),
    ...(auth.state === 'ok' ? {} : { fix: authFix(auth.state, auth.authPath) }),
  });
  if (loggedIn) {
    const free = auth.plan === 'free';
    results.push({
      id: 'plan',
      title: 'ChatGPT plan',
      ok: auth.plan !== undefined,
      detail: auth.plan === undefined ? 'the token names no plan' : free ? 'Free — Codex usage is very limited on the Free plan' : (auth.planLabel ?? auth.plan),
      ...(auth.plan === undefined ? { fix: 'Sign in again with `codex-cursor-bridge login`.' } : {}),
    });
    const expiresAt = auth.expiresAt?.getTime();
    const refreshBroken = auth.state === 'refresh-failed';
    results.push({
      id: 'token-expiry',
      title: 'Access token',
      ok: !refreshBroken,
      detail: refreshBroken
        ? (auth.message ?? 'the token could not be refreshed')
        : expiresAt === undefined
          ? 'no expiry in the token'
          : expiresAt <= now()
            ? `expired ${whenText(expiresAt, now())}; the bridge refreshes it on first use`
            : `valid until ${whenText(expiresAt, now())}`,
      ...(refreshBroken ? { fix: 'Sign in again with `codex-cursor-bridge login`.' } : {}),
    });
  }
  results.push(upstream, ...(limits ? [limits] : []));
  if (!deps.skipPort) results.push(await checkPort(deps.config.host, deps.config.port));
  return results;
}

function checkNode(version: string): CheckResult {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const ok = major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
  return {
    id: 'node',
    title: 'Node.js',
    ok,
    detail: `v${version}`,
    ...(ok ? {} : { fix: `Install Node.js ${MIN_NODE.join('.')} or newer (https://nodejs.org).` }),
  };
}

async function checkCodexCli(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): Promise<CheckResult> {
  const names = platform === 'win32' ? ['codex.cmd', 'codex.exe', 'codex.ps1'] : ['codex'];
  for (const dir of (env.PATH ?? env.Path ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const name of names) {
      const candidate = path.join(dir, name);
      try {
        await access(candidate, platform === 'win32' ? constants.F_OK : constants.X_OK);
        return { id: 'codex-cli', title: 'Codex CLI', ok: true, detail: candidate };
      } catch {
        // Not in this directory.
      }
    }
  }
  // A note, not a prerequisite: the bridge signs in by itself; with the Codex CLI installed both share one login.
  return { id: 'codex-cli', title: 'Codex CLI', ok: true, detail: 'not installed (not needed: the bridge signs in with `codex-cursor-bridge login`)' };
}

function authFix(state: string, authPath: string): string {
  if (state === 'api-key-only') return 'Sign in with ChatGPT: run `codex-cursor-bridge login` (an API key cannot use the subscription).';
  if (state === 'unreadable') return `Sign in again with \`codex-cursor-bridge login\` (it replaces the login in ${authPath}).`;
  if (state === 'refresh-failed') return 'Sign in again with `codex-cursor-bridge login`: the saved login can no longer be refreshed.';
  return `Sign in with \`codex-cursor-bridge login\` (or \`--device\` on a host without a browser; looked in ${authPath}).`;
}

async function checkUpstream(deps: DoctorDeps, loggedIn: boolean): Promise<CheckResult> {
  const title = 'ChatGPT Codex backend';
  if (!loggedIn) return { id: 'upstream', title, ok: false, detail: 'not probed: no usable login', fix: 'Fix the login first.' };
  try {
    const catalog = parseCatalog(await deps.upstream.getJson(catalogPath(deps.config.clientVersion)));
    return { id: 'upstream', title, ok: true, detail: `${deps.config.upstreamBase} answered (${catalog.length} models)` };
  } catch (error) {
    return {
      id: 'upstream',
      title,
      ok: false,
      detail: `${deps.config.upstreamBase}: ${(error as Error).message}`,
      fix: 'Check your internet connection (and CODEX_BRIDGE_UPSTREAM if you set it); if it says 401, sign in again with `codex-cursor-bridge login`.',
    };
  }
}

/** Informational: fails only when the backend refuses requests until a window resets. */
async function checkUsageLimits(deps: DoctorDeps, now: () => number): Promise<CheckResult> {
  const title = 'Usage limits';
  try {
    const limits = parseUsageBody(await deps.upstream.getJson(usagePath(deps.config.upstreamBase)), now());
    deps.onUsageLimits?.(limits);
    const detail = describeLimits(limits, now());
    if (!limits.limitReached) return { id: 'usage-limits', title, ok: true, detail };
    const until = blockedUntil(limits);
    return {
      id: 'usage-limits',
      title,
      ok: false,
      detail: `limit reached: ${detail}`,
      fix: `${until === undefined ? 'Wait for the limit to reset' : `Requests fail until ${whenText(until, now())}; wait`}, or buy credits at ${USAGE_SETTINGS_URL}.`,
    };
  } catch (error) {
    return { id: 'usage-limits', title, ok: true, detail: `not available: ${(error as Error).message}` };
  }
}

/** `http://host:port` for a request, with IPv6 literals bracketed and a wildcard bind asked on loopback. */
function localUrl(host: string, port: number): string {
  const name = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `http://${name}:${port}`;
}

/** The bridge's own `/healthz` on a port that is taken: its version when a bridge answers, else undefined. */
async function runningBridge(host: string, port: number): Promise<string | undefined> {
  try {
    const response = await fetch(`${localUrl(host, port)}/healthz`, { signal: AbortSignal.timeout(2_000) });
    const body = (await response.json()) as { status?: unknown; version?: unknown };
    return response.ok && body.status === 'ok' && typeof body.version === 'string' ? body.version : undefined;
  } catch {
    return undefined;
  }
}

/** The port is free, or a bridge already serves on it (a pass: that is where clients reach it). */
function checkPort(host: string, port: number): Promise<CheckResult> {
  const title = `Port ${host}:${port}`;
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', async (error: NodeJS.ErrnoException) => {
      const version = error.code === 'EADDRINUSE' ? await runningBridge(host, port) : undefined;
      if (version !== undefined) return resolve({ id: 'port', title, ok: true, detail: `the bridge ${version} is running here` });
      resolve({
        id: 'port',
        title,
        ok: false,
        detail: error.code === 'EADDRINUSE' ? 'already in use by another program' : error.message,
        fix: 'Stop what uses it, or start the bridge with --port <another port>.',
      });
    });
    probe.listen(port, host, () => probe.close(() => resolve({ id: 'port', title, ok: true, detail: 'free' })));
  });
}
