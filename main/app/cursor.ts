/**
 * Preview, configure and undo Cursor, written once for every surface: where Cursor's database is, which URL it gets,
 * the warning about private addresses, the wait while Cursor runs, and every message the user reads.
 */
import os from 'node:os';
import type { CursorOutcome as CursorOutcomeView, CursorWaitView } from '../../shared/bridge-api.js';
import { configureCursor, cursorStatePaths, undoCursor, type CursorWriteOptions, type CursorWriteResult } from '../cursor/configure.js';
import type { ProcessProbe } from '../cursor/cursor-process.js';
import { CursorConfigError } from '../cursor/errors.js';
import { cursorDbPath } from '../cursor/locate-db.js';
import { parseUndoFile, readUndoText, undoKey } from '../cursor/undo-record.js';

/** Cursor rewrites its database on quit, so a write waits for it: one try every 2 s… */
export const CURSOR_RETRY_EVERY_MS = 2000;
/** …for two minutes: long enough to find and quit Cursor, short enough not to poll forever in the background. */
export const CURSOR_MAX_ATTEMPTS = 60;

export type CursorTarget = Omit<CursorWriteOptions, 'dryRun'>;

/** Cursor's database (CODEX_BRIDGE_CURSOR_DB or the OS default) and the bridge's backups and undo record for it. */
export function cursorTarget(env: NodeJS.ProcessEnv, home: string, probe: ProcessProbe): CursorTarget {
  return { dbPath: cursorDbPath({ platform: process.platform, env, homedir: os.homedir() }), ...cursorStatePaths(home), probe };
}

/** The window's view (message, diff, warnings, what to do next) plus what only a text surface prints. */
export interface CursorOutcome extends CursorOutcomeView {
  /** `invalid-input`: the caller gave a URL the bridge cannot use; `no-public-url`: none was given or known. */
  reason?: 'invalid-input' | 'no-public-url' | 'cursor-running' | 'cancelled' | 'failed';
  /** Where the database was backed up before the write. */
  backupPath?: string;
}

export interface ConfigureRequest {
  /** The bridge's public URL; default: the running tunnel's, else the one a running bridge recorded. */
  baseUrl?: string;
  dryRun?: boolean;
  /** Also write the bridge token to Cursor's legacy plaintext key row. */
  writePlaintextKey?: boolean;
  /** Retry every CURSOR_RETRY_EVERY_MS while Cursor runs, up to CURSOR_MAX_ATTEMPTS (cancel with `cancelCursorWait`). */
  waitForCursor?: boolean;
}

export interface UndoRequest {
  dryRun?: boolean;
  waitForCursor?: boolean;
}

/** `https://host[/path]` → `https://host[/path]/v1` (Cursor appends `/chat/completions`); throws on anything else. */
export function cursorBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new Error(`The base URL must be an http(s) URL, got "${raw}".`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.search !== '' || url.hash !== '' || url.username !== '') {
    throw new Error(`The base URL must be a plain http(s) URL without credentials, query or fragment, got "${raw}".`);
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

export const NO_PUBLIC_URL =
  "There is no public URL for Cursor: turn the public tunnel on, or give the bridge's public URL. Cursor's servers call this URL, so localhost does not work.";
export const STOPPED_WAITING = 'Stopped waiting for Cursor to quit; nothing was changed.';
const RUNNING_DURING_PREVIEW = 'Cursor is running: quit it (Cmd+Q on macOS) before applying, or it will overwrite the change.';
const GAVE_UP = `Stopped waiting after ${(CURSOR_RETRY_EVERY_MS * CURSOR_MAX_ATTEMPTS) / 1000} s. Quit Cursor, then try again.`;

function headings(url: string | undefined, dbPath: string): Record<CursorWriteResult['status'], string> {
  if (url === undefined) {
    return {
      'dry-run': `Dry run, nothing was written. Undo would change ${dbPath}:`,
      applied: `Restored Cursor's previous settings in ${dbPath}.`,
      unchanged: "Cursor's settings no longer held anything the bridge set; nothing to restore.",
    };
  }
  return {
    'dry-run': `Dry run, nothing was written. Configuring Cursor would change ${dbPath}:`,
    applied: `Cursor now uses the bridge at ${url}.`,
    unchanged: `Cursor already uses the bridge at ${url}; nothing changed.`,
  };
}

function fromResult(result: CursorWriteResult, url: string | undefined, warnings: string[], keyInstruction?: string): CursorOutcome {
  const message = result.status === 'dry-run' && result.diff.length === 0 ? 'Dry run: nothing would change.' : headings(url, result.dbPath)[result.status];
  return {
    ok: true,
    message,
    diff: result.diff,
    ...(result.changes.length > 0 || result.changedRows.length > 0 ? { summary: plainChanges(result) } : {}),
    cursorRunning: result.cursorRunning,
    warnings: result.cursorRunning ? [...warnings, RUNNING_DURING_PREVIEW] : warnings,
    ...(result.backupPath !== null ? { backupPath: result.backupPath } : {}),
    ...(keyInstruction && result.status !== 'dry-run' ? { keyInstruction } : {}),
  };
}

/** The change in the user's words (`Adds 9 models, sets the base URL to …, turns the OpenAI key on.`); the raw diff stays for those who want it. */
export function plainChanges(result: Pick<CursorWriteResult, 'changes' | 'changedRows'>): string {
  const words: string[] = [];
  for (const change of result.changes) {
    const count = (names: string[] | undefined) => names?.length ?? 0;
    if (change.field === 'aiSettings.userAddedModels') {
      if (count(change.added) > 0) words.push(`adds ${count(change.added)} model${count(change.added) === 1 ? '' : 's'}`);
      if (count(change.removed) > 0) words.push(`removes ${count(change.removed)} model${count(change.removed) === 1 ? '' : 's'}`);
    } else if (change.field === 'openAIBaseUrl') {
      words.push(typeof change.after === 'string' ? `sets the base URL to ${change.after}` : 'removes the base URL override');
    } else if (change.field === 'useOpenAIKey') {
      words.push(change.after === true ? 'turns the OpenAI key on' : 'turns the OpenAI key off');
    }
  }
  // Enabling the added models in the picker goes with adding them; alone, it is worth a word.
  if (words.length === 0 && result.changes.some((change) => change.field === 'aiSettings.modelOverrideEnabled')) words.push('changes which models are enabled');
  if (result.changedRows.length > 0) words.push("changes Cursor's stored OpenAI key");
  const sentence = words.join(', ');
  return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`;
}

function failure(message: string, reason: NonNullable<CursorOutcome['reason']>, warnings: string[] = []): CursorOutcome {
  return { ok: false, message, diff: [], cursorRunning: reason === 'cursor-running' || reason === 'cancelled', reason, warnings };
}

export interface CursorUseCaseDeps {
  target(): CursorTarget;
  aliases: readonly string[];
  bridgeToken(): string;
  /** The public base URL (no /v1) Cursor should use when the caller gives none. */
  publicUrl(): string | undefined;
  /** Tells the state about the wait and whether the bridge's settings are in Cursor. */
  onWait(wait: CursorWaitView | undefined): void;
  onConfigured(configured: boolean): void;
}

export interface CursorUseCases {
  configure(request: ConfigureRequest): Promise<CursorOutcome>;
  undo(request: UndoRequest): Promise<CursorOutcome>;
  cancelWait(): void;
  /** Whether an undo record holds the bridge's settings for Cursor's database. */
  isConfigured(): Promise<boolean>;
}

export function createCursorUseCases(deps: CursorUseCaseDeps): CursorUseCases {
  /** One waiting write at a time; a new write or cancel ends the previous wait. */
  let stopWaiting: (() => void) | undefined;

  async function attempt(write: () => Promise<CursorOutcome>, wait: boolean): Promise<CursorOutcome> {
    stopWaiting?.();
    let cancelled = false;
    let wake: (() => void) | undefined;
    const mine = (): void => {
      cancelled = true;
      wake?.();
    };
    stopWaiting = mine;
    try {
      for (let count = 1; ; count += 1) {
        const outcome = await write();
        if (cancelled) return failure(STOPPED_WAITING, 'cancelled');
        if (outcome.reason !== 'cursor-running' || !wait) return outcome;
        if (count >= CURSOR_MAX_ATTEMPTS) return { ...outcome, message: `${outcome.message} ${GAVE_UP}` };
        deps.onWait({ attempt: count, maxAttempts: CURSOR_MAX_ATTEMPTS, retryEveryMs: CURSOR_RETRY_EVERY_MS });
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, CURSOR_RETRY_EVERY_MS);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        if (cancelled) return failure(STOPPED_WAITING, 'cancelled');
      }
    } finally {
      if (stopWaiting === mine) {
        stopWaiting = undefined;
        deps.onWait(undefined);
      }
    }
  }

  async function guarded(run: () => Promise<CursorOutcome>, warnings: string[]): Promise<CursorOutcome> {
    try {
      return await run();
    } catch (error) {
      const running = error instanceof CursorConfigError && error.reason === 'cursor_running';
      return failure((error as Error).message, running ? 'cursor-running' : 'failed', warnings);
    }
  }

  async function isConfigured(): Promise<boolean> {
    const { dbPath, undoFile } = deps.target();
    try {
      return parseUndoFile(await readUndoText(undoFile), undoFile).databases[undoKey(dbPath)] !== undefined;
    } catch {
      return false;
    }
  }

  return {
    async configure(request) {
      const raw = request.baseUrl ?? deps.publicUrl();
      if (raw === undefined) return failure(NO_PUBLIC_URL, 'no-public-url');
      let url: string;
      try {
        url = cursorBaseUrl(raw);
      } catch (error) {
        return failure((error as Error).message, 'invalid-input');
      }
      const warnings = isPrivateHost(new URL(url).hostname)
        ? [`${url} is a local or private address. Cursor's servers (not the editor) call this URL and refuse private addresses, so chat requests will fail; use the bridge's public tunnel URL.`]
        : [];
      const outcome = await attempt(
        () =>
          guarded(async () => {
            const result = await configureCursor({
              ...deps.target(),
              baseUrl: url,
              aliases: deps.aliases,
              dryRun: request.dryRun === true,
              ...(request.writePlaintextKey ? { writePlaintextKey: deps.bridgeToken() } : {}),
            });
            return fromResult(result, url, warnings, result.keyInstruction);
          }, warnings),
        request.waitForCursor === true && request.dryRun !== true,
      );
      if (outcome.ok && request.dryRun !== true) deps.onConfigured(true);
      return outcome;
    },
    async undo(request) {
      const outcome = await attempt(
        () => guarded(async () => fromResult(await undoCursor({ ...deps.target(), dryRun: request.dryRun === true }), undefined, []), []),
        request.waitForCursor === true && request.dryRun !== true,
      );
      if (outcome.ok && request.dryRun !== true) deps.onConfigured(false);
      return outcome;
    },
    cancelWait() {
      stopWaiting?.();
    },
    isConfigured,
  };
}
