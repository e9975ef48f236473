import { ApiError } from '../errors/api-error.js';

/**
 * One way of giving the local bridge a public HTTPS URL (ngrok, a Cloudflare quick tunnel, a test fake).
 * A provider only opens and closes one tunnel; retrying and status belong to the tunnel manager.
 */
export interface TunnelProvider {
  readonly name: 'ngrok' | 'cloudflared' | (string & {});
  start(opts: TunnelStartOptions): Promise<TunnelHandle>;
}

export interface TunnelStartOptions {
  localPort: number;
  localHost: string;
  /** Aborted when the manager stops while the tunnel is still coming up. */
  signal?: AbortSignal;
  /** Called at most once, when an established tunnel is lost (not after `stop()`). */
  onDisconnect(reason: string): void;
}

export interface TunnelHandle {
  /** e.g. https://abc.ngrok-free.app (no trailing slash). */
  publicUrl: string;
  stop(): Promise<void>;
}

export interface TunnelErrorInit {
  /** Machine-readable cause, e.g. `ngrok_authtoken_missing`. */
  code: string;
  /** What the user can do about it, in one or two sentences. */
  hint: string;
  /** True when trying again later may succeed on its own (network trouble), false when the user must act. */
  retryable: boolean;
}

/** Why a tunnel could not start, phrased for the user, with what to do next. */
export class TunnelError extends ApiError {
  readonly hint: string;
  readonly retryable: boolean;

  constructor(message: string, init: TunnelErrorInit) {
    super(503, message, { type: 'server_error', code: init.code });
    this.name = 'TunnelError';
    this.hint = init.hint;
    this.retryable = init.retryable;
  }
}

/** Anything a provider threw, as a TunnelError (unknown failures are assumed transient). */
export function asTunnelError(err: unknown, providerName: string): TunnelError {
  if (err instanceof TunnelError) return err;
  const reason = err instanceof Error ? err.message : String(err);
  return new TunnelError(`the ${providerName} tunnel failed: ${reason}`, {
    code: 'tunnel_failed',
    hint: 'The bridge keeps serving on localhost and retries the tunnel automatically.',
    retryable: true,
  });
}

/** The tunnel must reach the bridge over loopback even when the bridge listens on every interface. */
export function loopbackHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '::1';
  return host;
}

/** `host:port` of the bridge as a tunnel client dials it (IPv6 literals bracketed). */
export function forwardAddress(localHost: string, localPort: number): string {
  const host = loopbackHost(localHost).replace(/^\[(.*)\]$/, '$1');
  return host.includes(':') ? `[${host}]:${localPort}` : `${host}:${localPort}`;
}

export function abortError(): Error {
  return new DOMException('The tunnel start was aborted', 'AbortError');
}
