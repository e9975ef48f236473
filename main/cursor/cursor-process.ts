import { execFile } from 'node:child_process';
import { CursorConfigError } from './errors.js';

/** Answers "is the Cursor app running?"; injected so tests never depend on the real process table. */
export interface ProcessProbe {
  isCursorRunning(): Promise<boolean>;
}

/** Runs a program and resolves with its standard output. */
export type CommandRunner = (file: string, args: readonly string[]) => Promise<string>;

interface ListingCommand {
  file: string;
  args: readonly string[];
}

// `-A -o args=` is understood by both BSD (macOS) and procps (Linux) ps: every process, full command line, no header.
const PS: ListingCommand = { file: 'ps', args: ['-A', '-o', 'args='] };
const TASKLIST: ListingCommand = { file: 'tasklist', args: ['/NH', '/FO', 'CSV', '/FI', 'IMAGENAME eq Cursor.exe'] };

// The main binary only: helpers live under "Cursor Helper (…).app" and carry other names.
const MAC_MAIN = /Cursor\.app\/Contents\/MacOS\/Cursor(\s|$)/;

function isLinuxMain(commandLine: string): boolean {
  // Electron children (renderer, GPU, utility) repeat the binary path but carry --type=.
  if (/\s--type=/.test(commandLine)) return false;
  const program = commandLine.trimStart().split(/\s/, 1)[0] ?? '';
  const name = program.slice(program.lastIndexOf('/') + 1);
  // Exact name: /opt/cursor/cursor, /usr/share/cursor/cursor, AppImage mounts; never cursor-agent or cursor-server.
  return name === 'cursor' || name === 'Cursor';
}

/** Whether a process listing (the output of `listingCommand(platform)`) shows Cursor's main process. */
export function listingShowsCursor(platform: NodeJS.Platform, listing: string): boolean {
  const lines = listing.split(/\r?\n/);
  if (platform === 'win32') return lines.some((line) => /^"cursor\.exe",/i.test(line.trim()));
  if (platform === 'darwin') return lines.some((line) => MAC_MAIN.test(line) && !line.includes('--type='));
  return lines.some(isLinuxMain);
}

function listingCommand(platform: NodeJS.Platform): ListingCommand {
  return platform === 'win32' ? TASKLIST : PS;
}

const runCommand: CommandRunner = (file, args) =>
  new Promise((resolve, reject) => {
    execFile(file, [...args], { timeout: 10_000, windowsHide: true, maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => {
      if (error) reject(error);
      else resolve(stdout);
    });
  });

/** The real probe: lists processes with the OS's own tool. A failed listing is an error, never "not running". */
export function systemProcessProbe(platform: NodeJS.Platform = process.platform, run: CommandRunner = runCommand): ProcessProbe {
  const command = listingCommand(platform);
  return {
    async isCursorRunning() {
      let listing: string;
      try {
        listing = await run(command.file, command.args);
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        throw new CursorConfigError(
          'process_check_failed',
          `Could not check whether Cursor is running (${command.file} failed: ${why}); nothing was changed.`,
        );
      }
      return listingShowsCursor(platform, listing);
    },
  };
}
