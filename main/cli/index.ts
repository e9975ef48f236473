#!/usr/bin/env node
import process from 'node:process';
import { realpathSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { fileURLToPath } from 'node:url';
import type { CliContext } from './cli-context.js';
import { didYouMean } from './suggest.js';
import { MAIN_USAGE } from './usage.js';
import { BRIDGE_VERSION } from '../version.js';

type Command = (argv: string[], ctx: CliContext) => Promise<number>;

/** Loaded on use: `serve` starts faster without the other commands' modules (Cursor's database, sign-in, …). */
const COMMANDS: Record<string, () => Promise<Command>> = {
  serve: async () => (await import('./commands/serve.js')).runServe,
  doctor: async () => (await import('./commands/doctor.js')).runDoctor,
  token: async () => (await import('./commands/token.js')).runToken,
  login: async () => (await import('./commands/login.js')).runLogin,
  logout: async () => (await import('./commands/logout.js')).runLogout,
  usage: async () => (await import('./commands/usage.js')).runUsage,
  'configure-cursor': async () => (await import('./commands/configure-cursor.js')).runConfigureCursor,
};

/** Routes `codex-cursor-bridge <subcommand> …`; `serve` is the default when the first word is a flag or absent. */
export async function runCli(argv: string[], ctx: CliContext): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first.startsWith('-')) {
    if (first === '-h' || first === '--help') {
      ctx.stdout(MAIN_USAGE);
      return 0;
    }
    if (first === '-v' || first === '--version') {
      ctx.stdout(BRIDGE_VERSION);
      return 0;
    }
    return (await COMMANDS.serve!())(argv, ctx);
  }
  if (first === 'help') {
    // `help` alone is the overview; `help <command>` is that command's --help.
    if (rest[0] === undefined) {
      ctx.stdout(MAIN_USAGE);
      return 0;
    }
    return runCommand(rest[0], ['--help'], ctx);
  }
  return runCommand(first, rest, ctx);
}

async function runCommand(name: string, argv: string[], ctx: CliContext): Promise<number> {
  const load = COMMANDS[name];
  if (!load) {
    ctx.stderr(`codex-cursor-bridge: unknown command "${name}".${didYouMean(name, [...Object.keys(COMMANDS), 'help'])}\n\n${MAIN_USAGE}`);
    return 2;
  }
  return (await load())(argv, ctx);
}

/**
 * Resolves on the first SIGINT/SIGTERM. The listeners stay: conf's atomic writer (when-exit) re-sends the signal to
 * the process after its own clean-up, which would kill it mid-shutdown if no listener were left. Shutdown is bounded
 * by the grace period, so later signals need no handling of their own.
 */
function stopOnSignal(): Promise<string> {
  return new Promise((resolve) => {
    process.on('SIGINT', () => resolve('SIGINT'));
    process.on('SIGTERM', () => resolve('SIGTERM'));
  });
}

async function askOnTerminal(question: string): Promise<string> {
  const terminal = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return await terminal.question(question);
  } finally {
    terminal.close();
  }
}

/** The real process: its arguments, environment, output and signals. Used by the `codex-cursor-bridge` bin. */
export async function runFromProcess(): Promise<never> {
  const code = await runCli(process.argv.slice(2), {
    env: process.env,
    stdout: (text) => process.stdout.write(`${text}\n`),
    stderr: (text) => process.stderr.write(`${text}\n`),
    stopSignal: stopOnSignal(),
    ...(process.stdin.isTTY && process.stdout.isTTY ? { ask: askOnTerminal } : {}),
  });
  process.exit(code);
}

// `npm run cli` / `npm run serve` run this file directly from source.
if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) await runFromProcess();
