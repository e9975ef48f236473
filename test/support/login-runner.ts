import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { runCli } from '../../main/cli/index.js';
import type { CliContext } from '../../main/cli/cli-context.js';
import { startFakeBackend, type FakeBackend } from './fake-backend/server.js';

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

export interface SignInFixture {
  fake: FakeBackend;
  /** A fresh temp folder per test. */
  dir: string;
  /** `$CODEX_HOME/auth.json` of `env`. */
  authPath: string;
  /** CODEX_HOME, the fake as issuer and upstream, a bridge home: what `login`, `logout` and `serve` need. */
  env: Record<string, string>;
}

/** One fake backend for the file (reset before each test) and a fresh folder per test. */
export function useSignInFixture(): SignInFixture {
  const fixture = {} as SignInFixture;
  beforeAll(async () => {
    fixture.fake = await startFakeBackend();
  });
  afterAll(() => fixture.fake.close());
  beforeEach(async () => {
    fixture.fake.reset();
    fixture.dir = await mkdtemp(path.join(os.tmpdir(), 'sign-in-'));
    const codexHome = path.join(fixture.dir, 'codex');
    fixture.authPath = path.join(codexHome, 'auth.json');
    fixture.env = {
      CODEX_HOME: codexHome,
      CODEX_BRIDGE_AUTH_ISSUER: fixture.fake.origin,
      CODEX_BRIDGE_UPSTREAM: fixture.fake.baseUrl,
      CODEX_BRIDGE_HOME: path.join(fixture.dir, 'home'),
    };
  });
  afterEach(() => rm(fixture.dir, { recursive: true, force: true }));
  return fixture;
}
