import { runCli } from '../../main/cli/index.js';
import type { CliContext } from '../../main/cli/cli-context.js';

export interface RunningCommand {
  /** stdout lines so far. */
  out: string[];
  /** stderr lines so far. */
  err: string[];
  exit: Promise<number>;
  /** The first stdout line matching `pattern`, waiting for it (fails if the command exits first). */
  line(pattern: RegExp): Promise<string>;
  /** Ctrl-C. */
  interrupt(): void;
}

/** Runs a CLI command (`login`, `logout`, …) in-process with its own output and stop signal. */
export function runCommand(argv: string[], ctx: Partial<CliContext> & { env: NodeJS.ProcessEnv }): RunningCommand {
  const out: string[] = [];
  const err: string[] = [];
  let stop!: (signal: string) => void;
  const exit = runCli(argv, {
    stdout: (text) => out.push(...text.split('\n')),
    stderr: (text) => err.push(...text.split('\n')),
    stopSignal: new Promise((resolve) => (stop = resolve)),
    ...ctx,
  });
  let exited = false;
  void exit.then(() => (exited = true));
  return {
    out,
    err,
    exit,
    interrupt: () => stop('SIGINT'),
    async line(pattern) {
      for (;;) {
        const found = out.find((l) => pattern.test(l));
        if (found !== undefined) return found;
        if (exited) throw new Error(`exited before printing ${pattern}:\n${[...out, ...err].join('\n')}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
  };
}
