import os from 'node:os';
import { parseArgs } from 'node:util';
import { configureCursor, cursorStatePaths, undoCursor, type CursorWriteResult } from '../../cursor/configure.js';
import { systemProcessProbe, type ProcessProbe } from '../../cursor/cursor-process.js';
import { cursorDbPath } from '../../cursor/locate-db.js';

export const CONFIGURE_CURSOR_USAGE = `Usage: codex-cursor-bridge configure-cursor [--base-url URL] [--dry-run] [--undo] [--write-plaintext-key]

Points Cursor's "OpenAI API Key" settings (base URL, key toggle, custom models) at the bridge. Quit Cursor first:
it overwrites its settings database while it runs. A backup is taken before every change.
  --base-url URL          the bridge's public URL (default: the running tunnel's); /v1 is appended if missing
  --dry-run               show what would change; write nothing
  --undo                  restore the values the bridge replaced (changes made since are kept)
  --write-plaintext-key   also write the bridge token to Cursor's legacy plaintext key row (older Cursor builds)
Set CODEX_BRIDGE_CURSOR_DB to use another state.vscdb (portable installs, --user-data-dir).`;

export interface ConfigureCursorContext {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** CODEX_BRIDGE_HOME */
  home: string;
  aliases: string[];
  /** Shown for the user to paste into Cursor; written only with --write-plaintext-key. */
  bridgeToken: string;
  /** The current tunnel URL, if a tunnel is up. */
  publicBaseUrl?: string;
  probe?: ProcessProbe;
}

interface Flags {
  baseUrl: string | undefined;
  dryRun: boolean;
  undo: boolean;
  writePlaintextKey: boolean;
  help: boolean;
}

function parseFlags(argv: string[]): Flags {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      'base-url': { type: 'string' },
      'dry-run': { type: 'boolean' },
      undo: { type: 'boolean' },
      'write-plaintext-key': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const flags: Flags = {
    baseUrl: values['base-url'],
    dryRun: values['dry-run'] === true,
    undo: values.undo === true,
    writePlaintextKey: values['write-plaintext-key'] === true,
    help: values.help === true,
  };
  if (flags.undo && (flags.baseUrl !== undefined || flags.writePlaintextKey)) {
    throw new Error('--undo cannot be combined with --base-url or --write-plaintext-key');
  }
  return flags;
}

/** `https://host[/path]` → `https://host[/path]/v1` (Cursor appends `/chat/completions`); throws on anything else. */
export function cursorBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new Error(`--base-url must be an http(s) URL, got "${raw}"`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.search !== '' || url.hash !== '' || url.username !== '') {
    throw new Error(`--base-url must be a plain http(s) URL without credentials, query or fragment, got "${raw}"`);
  }
  const pathname = url.pathname.replace(/\/+$/, '');
  return `${url.origin}${pathname.endsWith('/v1') ? pathname : `${pathname}/v1`}`;
}

/** Cursor's servers, not the editor, call the base URL, and they refuse private addresses. */
function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host.endsWith('.local') ||
    host === '::1' ||
    /^(127|10)\./.test(host) ||
    /^192\.168\./.test(host) ||
    /^172\.(1[6-9]|2\d|3[01])\./.test(host) ||
    /^169\.254\./.test(host) ||
    /^f[cd][0-9a-f]{2}:/.test(host)
  );
}

export async function runConfigureCursor(argv: string[], ctx: ConfigureCursorContext): Promise<number> {
  let flags: Flags;
  let baseUrl = '';
  try {
    flags = parseFlags(argv);
    if (flags.help) {
      ctx.stdout(CONFIGURE_CURSOR_USAGE);
      return 0;
    }
    if (!flags.undo) {
      const raw = flags.baseUrl ?? ctx.publicBaseUrl;
      if (raw === undefined) {
        throw new Error(
          "no public URL for Cursor: start the bridge with its tunnel, or pass --base-url https://<your-public-host>. Cursor's servers call this URL, so localhost does not work.",
        );
      }
      baseUrl = cursorBaseUrl(raw);
    }
  } catch (error) {
    ctx.stderr(`codex-cursor-bridge configure-cursor: ${(error as Error).message}\n\n${CONFIGURE_CURSOR_USAGE}`);
    return 2;
  }

  const target = {
    dbPath: cursorDbPath({ platform: process.platform, env: ctx.env, homedir: os.homedir() }),
    ...cursorStatePaths(ctx.home),
    probe: ctx.probe ?? systemProcessProbe(),
    dryRun: flags.dryRun,
  };
  try {
    if (flags.undo) {
      const result = await undoCursor(target);
      report(ctx, result, {
        'dry-run': `Dry run, nothing was written. Undo would change ${result.dbPath}:`,
        applied: `Restored Cursor's previous settings in ${result.dbPath}:`,
        unchanged: `Cursor's settings no longer held anything the bridge set; nothing to restore.`,
      });
      return 0;
    }
    if (isPrivateHost(new URL(baseUrl).hostname)) {
      ctx.stderr(
        `Warning: ${baseUrl} is a local or private address. Cursor's servers (not the editor) call this URL and refuse private addresses, so chat requests will fail; use the bridge's public tunnel URL.`,
      );
    }
    const result = await configureCursor({
      ...target,
      baseUrl,
      aliases: ctx.aliases,
      ...(flags.writePlaintextKey ? { writePlaintextKey: ctx.bridgeToken } : {}),
    });
    report(ctx, result, {
      'dry-run': `Dry run, nothing was written. Configuring would change ${result.dbPath}:`,
      applied: `Configured Cursor to use the bridge at ${baseUrl} (${result.dbPath}):`,
      unchanged: `Cursor is already configured to use the bridge at ${baseUrl}; nothing changed.`,
    });
    if (!flags.dryRun) {
      ctx.stdout(`${result.keyInstruction}:\n  ${ctx.bridgeToken}`);
      ctx.stdout('Then start Cursor and pick a bridge-* model. To revert: codex-cursor-bridge configure-cursor --undo');
    }
    return 0;
  } catch (error) {
    ctx.stderr(`codex-cursor-bridge configure-cursor: ${(error as Error).message}`);
    return 1;
  }
}

function report(ctx: ConfigureCursorContext, result: CursorWriteResult, headings: Record<CursorWriteResult['status'], string>): void {
  if (result.status === 'dry-run' && result.diff.length === 0) ctx.stdout('Dry run: nothing would change.');
  else if (result.status === 'unchanged') ctx.stdout(headings.unchanged);
  else ctx.stdout([headings[result.status], ...result.diff.map((line) => `  ${line}`)].join('\n'));
  if (result.backupPath !== null) ctx.stdout(`Backup of the previous database: ${result.backupPath}`);
  if (result.cursorRunning) ctx.stdout('Cursor is running: quit it (Cmd+Q on macOS) before applying, or it will overwrite the change.');
}
