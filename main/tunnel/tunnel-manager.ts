import type { TunnelState } from '../../shared/bridge-api.js';
import { asTunnelError, type TunnelHandle, type TunnelProvider } from './tunnel-provider.js';

export type { TunnelState };

export interface TunnelStatus {
  state: TunnelState;
  provider: string;
  /** When this status was entered. */
  since: Date;
  /** The public base URL while online (no trailing slash, no `/v1`). */
  url?: string;
  /** Why the tunnel is not online (the provider's reason), while failed or retrying. */
  error?: string;
  /** What the user can do about `error`. */
  hint?: string;
  /** Which try this is (1-based): the one running, the next one while waiting, or the one that failed for good. */
  attempt?: number;
  /** Set while waiting to try again. */
  retryInMs?: number;
}

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

export interface TunnelManagerOptions {
  provider: TunnelProvider;
  localPort: number;
  localHost: string;
  backoff?: BackoffOptions;
  onStatus?(status: TunnelStatus): void;
  /** The public URL differs from the last one this manager had (free ngrok and quick tunnels rotate). */
  onUrlChange?(url: string, previous: string | undefined): void;
}

export interface TunnelManager {
  /** Starts connecting; resolves with the first outcome (online, failed, or off if stopped first). */
  start(): Promise<TunnelStatus>;
  /** Closes the tunnel, cancels any pending retry and waits for an in-flight attempt to wind down. */
  stop(): Promise<void>;
  current(): TunnelStatus;
  subscribe(listener: (status: TunnelStatus) => void): () => void;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 1_000, maxMs: 60_000 };

/** Delay before the next try after `failures` consecutive failures (1, 2, …): doubling from initialMs, capped. */
export function backoffDelay(failures: number, backoff: BackoffOptions = DEFAULT_BACKOFF): number {
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.max(0, failures - 1));
}

const STILL_LOCAL = 'The bridge keeps serving on localhost and reconnects automatically.';

export function createTunnelManager(options: TunnelManagerOptions): TunnelManager {
  const { provider, backoff = DEFAULT_BACKOFF } = options;
  const listeners = new Set<(status: TunnelStatus) => void>();
  let status: TunnelStatus = { state: 'off', provider: provider.name, since: new Date() };
  /** Bumped by start() and stop(): callbacks from an older run see a different value and do nothing. */
  let run = 0;
  let failures = 0;
  let everOnline = false;
  let lastUrl: string | undefined;
  let handle: TunnelHandle | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let abort: AbortController | undefined;
  let inFlight: Promise<void> | undefined;
  let outcome = pendingOutcome();

  function emit(next: Omit<TunnelStatus, 'provider' | 'since'>): void {
    status = { ...next, provider: provider.name, since: new Date() };
    if (status.state === 'online' || status.state === 'failed' || status.state === 'off') outcome.resolve(status);
    options.onStatus?.(status);
    for (const listener of listeners) listener(status);
  }

  function attempt(id: number): void {
    // While retrying, keep showing why the last try failed.
    const carried = failures > 0 || everOnline ? { error: status.error, hint: status.hint } : {};
    emit({ state: everOnline ? 'reconnecting' : 'connecting', attempt: failures + 1, ...carried });
    abort = new AbortController();
    let opened: TunnelHandle | undefined;
    inFlight = provider
      .start({
        localPort: options.localPort,
        localHost: options.localHost,
        signal: abort.signal,
        onDisconnect: (reason) => {
          if (id === run && opened !== undefined && handle === opened) dropped(id, opened, reason);
        },
      })
      .then(
        async (h) => {
          opened = h;
          if (id !== run) return h.stop();
          online(h);
        },
        (err: unknown) => {
          if (id === run) failed(id, err);
        },
      );
  }

  function online(h: TunnelHandle): void {
    handle = h;
    failures = 0;
    everOnline = true;
    emit({ state: 'online', url: h.publicUrl });
    if (h.publicUrl !== lastUrl) {
      const previous = lastUrl;
      lastUrl = h.publicUrl;
      options.onUrlChange?.(h.publicUrl, previous);
    }
  }

  function failed(id: number, err: unknown): void {
    const error = asTunnelError(err, provider.name);
    failures += 1;
    if (!error.retryable) {
      emit({ state: 'failed', error: error.message, hint: error.hint, attempt: failures });
      return;
    }
    const delay = backoffDelay(failures, backoff);
    const state = everOnline ? 'reconnecting' : 'failed';
    emit({ state, error: error.message, hint: error.hint, attempt: failures + 1, retryInMs: delay });
    retryLater(id, delay);
  }

  function dropped(id: number, h: TunnelHandle, reason: string): void {
    handle = undefined;
    // The provider already lost it; closing just releases what is left (listener, child process).
    void h.stop().catch(() => undefined);
    failures = 0;
    const delay = backoffDelay(1, backoff);
    emit({ state: 'reconnecting', error: reason, hint: STILL_LOCAL, attempt: 1, retryInMs: delay });
    retryLater(id, delay);
  }

  function retryLater(id: number, delay: number): void {
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      if (id === run) attempt(id);
    }, delay);
  }

  return {
    start() {
      // 'failed' with no retry pending means the user had to act; start() is how they say they did.
      const idle = status.state === 'off' || (status.state === 'failed' && retryTimer === undefined);
      if (!idle) return outcome.settled ? Promise.resolve(status) : outcome.promise;
      run += 1;
      failures = 0;
      everOnline = false;
      outcome = pendingOutcome();
      attempt(run);
      return outcome.promise;
    },

    async stop() {
      run += 1;
      clearTimeout(retryTimer);
      retryTimer = undefined;
      abort?.abort();
      abort = undefined;
      const open = handle;
      handle = undefined;
      await Promise.all([open?.stop().catch(() => undefined), inFlight?.catch(() => undefined)]);
      if (status.state !== 'off') emit({ state: 'off' });
    },

    current: () => status,

    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The first online/failed/off status of one start(). */
interface Outcome {
  promise: Promise<TunnelStatus>;
  settled: boolean;
  resolve(status: TunnelStatus): void;
}

function pendingOutcome(): Outcome {
  let settle!: (status: TunnelStatus) => void;
  const outcome: Outcome = {
    promise: new Promise<TunnelStatus>((resolve) => (settle = resolve)),
    settled: false,
    resolve(status) {
      outcome.settled = true;
      settle(status);
    },
  };
  return outcome;
}
