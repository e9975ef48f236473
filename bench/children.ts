/** The parent side of the bench's IPC channel: forks a server script (TypeScript under tsx, or compiled) and talks to it. */
import { fork, type ChildProcess } from 'node:child_process';
import type { ChildReply, ProcessStats, ReadyMessage } from './child-protocol.js';

export interface Child<Ready> {
  ready: Ready;
  call<T>(command: string, args?: unknown): Promise<T>;
  stats(): Promise<ProcessStats>;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  env?: Record<string, string>;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeFlags?: string[];
}

const STARTUP_TIMEOUT_MS = 30_000;

/** `script`: an absolute path; a .ts file runs under tsx. */
export async function spawnChild<Ready>(script: string, options: SpawnOptions = {}): Promise<Child<Ready>> {
  const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = fork(script, [], {
    execArgv: [...loader, ...(options.nodeFlags ?? [])],
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await waitForReady<Ready>(child, script);
  let nextId = 0;
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  child.on('message', (message: ChildReply) => {
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.ok) waiter.resolve(message.value);
    else waiter.reject(new Error(`${script}: ${message.error}`));
  });
  child.on('exit', () => {
    for (const waiter of pending.values()) waiter.reject(new Error(`${script} exited`));
    pending.clear();
  });
  const call = <T>(command: string, args?: unknown): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ id, command, args });
    });
  return {
    ready,
    call,
    stats: () => call<ProcessStats>('stats'),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.send({ id: -1, command: 'stop' });
      }),
  };
}

function waitForReady<Ready>(child: ChildProcess, script: string): Promise<Ready> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${script} did not start within ${STARTUP_TIMEOUT_MS / 1000} s`)), STARTUP_TIMEOUT_MS);
    const onMessage = (message: ReadyMessage): void => {
      if (!('ready' in message)) return;
      cleanup();
      resolve(message.ready as Ready);
    };
    const onExit = (code: number | null): void => fail(new Error(`${script} exited with code ${code} before it was ready`));
    function cleanup(): void {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    }
    function fail(error: Error): void {
      cleanup();
      child.kill();
      reject(error);
    }
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}
