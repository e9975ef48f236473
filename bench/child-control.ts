/**
 * The child side of the bench's IPC channel. Children measure themselves (process.cpuUsage, RSS) because only the
 * process itself can tell its CPU time apart from the load generator's and the other servers'.
 */
import type { ChildReply, ChildRequest, ProcessStats } from './child-protocol.js';

export type CommandHandler = (args: unknown) => unknown;

export function processStats(): ProcessStats {
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  // ru_maxrss (KiB) is the kernel's high-water mark of the resident set, VmHWM on Linux.
  return { cpuMicros: cpu.user + cpu.system, rssBytes: memory.rss, peakRssBytes: process.resourceUsage().maxRSS * 1024, heapUsedBytes: memory.heapUsed };
}

/** Announces `ready` to the parent and answers its commands; `stats` is built in, `stop` exits. */
export function serveControl(ready: Record<string, unknown>, handlers: Record<string, CommandHandler>, stop: () => Promise<void>): void {
  const send = (message: unknown): void => void process.send?.(message);
  process.on('message', (message: ChildRequest) => {
    if (message.command === 'stop') {
      stop().finally(() => process.exit(0));
      return;
    }
    try {
      const handler = message.command === 'stats' ? processStats : handlers[message.command];
      if (!handler) throw new Error(`unknown command ${message.command}`);
      send({ id: message.id, ok: true, value: handler(message.args) } satisfies ChildReply);
    } catch (error) {
      send({ id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) } satisfies ChildReply);
    }
  });
  // The parent dying must not leave servers behind on the machine.
  process.on('disconnect', () => void stop().finally(() => process.exit(0)));
  send({ ready });
}
