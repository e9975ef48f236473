import { ApiError } from '../errors/api-error.js';

/** Exponential backoff like the Codex CLI's request layer: 200 ms × 2^(n-1), ±10 % jitter. */
export interface BackoffPolicy {
  /** Upstream requests per client request, the first included, whatever mix of failures the retries are for. */
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { maxAttempts: 6, initialDelayMs: 200, maxDelayMs: 3_200 };

export function backoffDelay(policy: BackoffPolicy, retryNumber: number, random = Math.random): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (retryNumber - 1));
  return Math.round(base * (0.9 + random() * 0.2));
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The upstream attempts one client request may make: network, 5xx, 429 and stream retries all draw from it. */
export class AttemptBudget {
  used = 0;
  private reauthenticated = false;

  constructor(private max: number) {}

  get left(): boolean {
    return this.used < this.max;
  }

  take(): void {
    this.used++;
  }

  /** Grants the re-send after a 401 and a re-login its own attempt, once per client request; false after that. */
  reauthenticate(): boolean {
    if (this.reauthenticated) return false;
    this.reauthenticated = true;
    this.max++;
    return true;
  }

  /** The last failure, saying that the bridge gave up retrying it. */
  exhausted(error: ApiError): ApiError {
    if (this.used <= 1) return error;
    return new ApiError(error.status, `${error.message} (gave up after ${this.used} attempts)`, {
      type: error.type,
      param: error.param,
      code: error.code,
      headers: error.headers,
    });
  }
}
