/**
 * Milliseconds on the system's monotonic clock. Unlike performance.now() (relative to each process's start), it
 * reads the same in every process of the machine, so the load generator can compare its arrival times with the
 * fake's send times.
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
