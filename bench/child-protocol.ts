/** Messages between the bench orchestrator and its server children (node IPC channel). */

export interface ProcessStats {
  /** user + system CPU time of the whole process since it started. */
  cpuMicros: number;
  rssBytes: number;
  /** Peak RSS since the process started (VmHWM on Linux): catches a peak between two samples. */
  peakRssBytes: number;
  /** V8 heap in use: tells JavaScript objects apart from buffers and the runtime itself. */
  heapUsedBytes: number;
}

export interface ChildRequest {
  id: number;
  command: string;
  args?: unknown;
}

export type ChildReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

export interface ReadyMessage {
  ready: Record<string, unknown>;
}
