import { runCli } from '../../main/cli/index.js';
import type { CliContext } from '../../main/cli/cli-context.js';

export interface RunningServe {
  /** Every line the CLI printed so far (stdout and stderr). */
  out: string[];
  /** The port from the startup card (the CLI was started with -p 0, so no port race). */
  port: number;
  stop(signal?: string): void;
  exit: Promise<number>;
}

/** Runs `serve` in-process on an ephemeral port and waits for its card. */
export async function startServe(argv: string[], ctx: Partial<CliContext> & { env: NodeJS.ProcessEnv }): Promise<RunningServe> {
  const out: string[] = [];
  let stop!: (signal: string) => void;
  const exit = runCli(['-p', '0', ...argv], {
    stdout: (line) => out.push(line),
    stderr: (line) => out.push(line),
    stopSignal: new Promise((resolve) => (stop = resolve)),
    ...ctx,
  });
  let port: number | undefined;
  for (let i = 0; i < 300 && port === undefined; i++) {
    const card = out.find((line) => line.includes('Requests:')) ? out.join('\n') : '';
    const match = /serving http:\/\/[^:]+:(\d+)\/v1/.exec(card);
    if (match) port = Number(match[1]);
    else if (await Promise.race([exit.then(() => true), new Promise((r) => setTimeout(() => r(false), 20))])) break;
  }
  if (port === undefined) throw new Error(`serve did not start:\n${out.join('\n')}`);
  return { out, port, stop: (signal = 'SIGINT') => stop(signal), exit };
}
