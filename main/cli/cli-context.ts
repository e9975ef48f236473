/** What a subcommand may touch: injected so tests run commands in-process and read what they printed. */
import type { ProcessProbe } from '../cursor/cursor-process.js';
import type { TunnelProvider } from '../tunnel/tunnel-provider.js';

export interface CliContext {
  env: NodeJS.ProcessEnv;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Resolves when the user asks a long-running command to stop (SIGINT/SIGTERM in the real CLI). */
  stopSignal: Promise<string>;
  /** Replaces the tunnel provider the settings name (tests use a loopback fake). */
  tunnelProvider?: TunnelProvider;
  /** Replaces the check for a running Cursor (tests). */
  cursorProbe?: ProcessProbe;
  /** Asks a question on the terminal and resolves with the answer; absent when there is no terminal to ask on. */
  ask?(question: string): Promise<string>;
  /** Replaces the system browser `login` opens (tests). */
  openBrowser?: (url: string) => Promise<boolean>;
  /** Replaces the sign-in callback ports 1455/1457 and the browser wait (tests use ephemeral ports, short waits). */
  signIn?: { callbackPorts?: readonly number[]; timeoutMs?: number };
}
