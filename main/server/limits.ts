/**
 * What one client may cost the bridge: time to send a request, connections, body bytes (each and all at once), JSON
 * nesting. Enforced by the server and its body reader, so every route (present and future) gets them.
 */
export interface ServerLimits {
  /** Time from the connection (or the previous answer) to the end of a request head; also closes silent sockets. */
  headersTimeoutMs: number;
  /** Time to receive a whole request, head and body. Answers (streams) are not limited by it. */
  requestTimeoutMs: number;
  /** Idle time of a keep-alive connection between two requests. */
  keepAliveTimeoutMs: number;
  /** Open connections at once; more are refused at accept time. */
  maxConnections: number;
  /** One request body. */
  maxBodyBytes: number;
  /** All request bodies being read or served at once; beyond it a request gets a 503 with Retry-After. */
  bodyBudgetBytes: number;
  /** Nesting of arrays and objects in a JSON body. */
  maxJsonDepth: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  headersTimeoutMs: 15_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 65_000,
  maxConnections: 512,
  maxBodyBytes: 8 * 1024 * 1024,
  bodyBudgetBytes: 16 * 1024 * 1024,
  maxJsonDepth: 100,
};

/** Bytes of request bodies held at once, shared by every request of one server. */
export class BodyBudget {
  private used = 0;

  constructor(readonly capacity: number) {}

  /** Takes `bytes` from the budget; false (and nothing taken) when they do not fit. */
  take(bytes: number): boolean {
    if (this.used + bytes > this.capacity) return false;
    this.used += bytes;
    return true;
  }

  give(bytes: number): void {
    this.used -= bytes;
  }
}
