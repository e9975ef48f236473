import { spawn, type ChildProcess } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Env } from '../config/bridge-config.js';
import {
  abortError,
  forwardAddress,
  TunnelError,
  type TunnelHandle,
  type TunnelProvider,
  type TunnelStartOptions,
} from './tunnel-provider.js';

export interface CloudflaredProviderOptions {
  /** Command name looked up on PATH, or a path to the binary. */
  binary?: string;
  /** PATH (and PATHEXT on Windows) come from here; the child gets the same environment. */
  env?: Env;
  platform?: NodeJS.Platform;
  /** How long cloudflared may take to print the quick-tunnel URL. */
  urlTimeoutMs?: number;
}

const DEFAULT_URL_TIMEOUT_MS = 30_000;
const KILL_GRACE_MS = 5_000;
const RETRIES = 'The bridge keeps serving on localhost and retries the tunnel automatically.';

/** The public URL in cloudflared's banner; `api.trycloudflare.com` (in its error lines) is not one. */
const QUICK_TUNNEL_URL = /https:\/\/(?!api\.)[a-z0-9-]+\.trycloudflare\.com\b/i;

export function parseQuickTunnelUrl(line: string): string | undefined {
  return QUICK_TUNNEL_URL.exec(line)?.[0].toLowerCase();
}

/** A Cloudflare quick tunnel: no account, a fresh random URL per start, run as a `cloudflared` child process. */
export function createCloudflaredProvider(options: CloudflaredProviderOptions = {}): TunnelProvider {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const binary = options.binary ?? 'cloudflared';
  return {
    name: 'cloudflared',
    async start(opts: TunnelStartOptions): Promise<TunnelHandle> {
      const executable = await findExecutable(binary, env, platform);
      if (!executable) {
        throw new TunnelError('cloudflared was not found on PATH; the bridge keeps serving on localhost', {
          code: 'cloudflared_not_found',
          hint:
            'Install cloudflared ' +
            '(https://developers.cloudflare.com/cloudflare-one/connections/connect-networks/downloads/) ' +
            'and restart the bridge, or use ngrok instead (set NGROK_AUTHTOKEN).',
          retryable: false,
        });
      }
      if (opts.signal?.aborted) throw abortError();
      const child = spawn(
        executable,
        ['tunnel', '--url', `http://${forwardAddress(opts.localHost, opts.localPort)}`, '--no-autoupdate'],
        { env, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true },
      );
      return awaitQuickTunnel(child, opts, options.urlTimeoutMs ?? DEFAULT_URL_TIMEOUT_MS);
    },
  };
}

/** cloudflared's log lines: `2024-05-13T10:00:00Z ERR <message>`. */
const ERROR_LINE = /^\S+\s+ERR\s+(.*)$/;

/** Resolves once the URL is printed; after that, an exit of the child is reported as a disconnect. */
function awaitQuickTunnel(child: ChildProcess, opts: TunnelStartOptions, timeoutMs: number): Promise<TunnelHandle> {
  // 'close' (not 'exit'): by then every line the child printed has been read, including its last error.
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let phase: 'starting' | 'online' | 'ended' = 'starting';
  let lastError = '';

  return new Promise<TunnelHandle>((resolve, reject) => {
    const settle = (next: 'online' | 'ended'): boolean => {
      if (phase !== 'starting') return false;
      phase = next;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      return true;
    };
    const fail = (err: Error): void => {
      if (!settle('ended')) return;
      child.kill();
      reject(err);
    };
    const onAbort = (): void => fail(abortError());
    const timer = setTimeout(() => {
      const detail = lastError ? `: ${lastError}` : '';
      fail(
        new TunnelError(`cloudflared printed no tunnel URL within ${duration(timeoutMs)}${detail}`, {
          code: 'cloudflared_no_url',
          hint: `Check the internet connection (cloudflared must reach api.trycloudflare.com). ${RETRIES}`,
          retryable: true,
        }),
      );
    }, timeoutMs);
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    const onLine = (line: string): void => {
      const error = ERROR_LINE.exec(line)?.[1]?.trim();
      if (error) lastError = error;
      const url = phase === 'starting' ? parseQuickTunnelUrl(line) : undefined;
      if (url && settle('online')) resolve({ publicUrl: url, stop });
    };
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream, crlfDelay: Infinity }).on('line', onLine);
    }

    child.once('error', (err) =>
      fail(
        new TunnelError(`could not run cloudflared: ${err.message}`, {
          code: 'cloudflared_failed_to_run',
          hint: 'Check that the cloudflared on PATH is executable and built for this system.',
          retryable: false,
        }),
      ),
    );
    child.once('close', (code, signal) => {
      const how = `cloudflared exited (${signal ?? `code ${code}`})${lastError ? `: ${lastError}` : ''}`;
      if (phase === 'starting') {
        const init = { code: 'cloudflared_exited', hint: RETRIES, retryable: true };
        fail(new TunnelError(`${how} before printing a tunnel URL`, init));
      } else if (phase === 'online') {
        phase = 'ended';
        opts.onDisconnect(how);
      }
    });

    async function stop(): Promise<void> {
      phase = 'ended';
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
      await closed;
      clearTimeout(force);
    }
  });
}

function duration(ms: number): string {
  return ms < 1_000 ? `${ms} ms` : `${Math.round(ms / 1_000)} s`;
}

/** `name` on PATH (with PATHEXT on Windows), or `name` itself when it is a path. */
export async function findExecutable(name: string, env: Env, platform: NodeJS.Platform): Promise<string | undefined> {
  const pathApi = platform === 'win32' ? path.win32 : path.posix;
  const candidates = name.includes('/') || name.includes(pathApi.sep)
    ? [name]
    : (env.PATH ?? env.Path ?? '')
        .split(platform === 'win32' ? ';' : ':')
        .filter((dir) => dir !== '')
        .map((dir) => pathApi.join(dir, name));
  const extensions = platform === 'win32' ? ['', ...(env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';')] : [''];
  for (const candidate of candidates) {
    for (const ext of extensions) {
      if (await isExecutableFile(candidate + ext)) return candidate + ext;
    }
  }
  return undefined;
}

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    await access(file, fsConstants.X_OK);
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}
