import { useCallback, useEffect, useRef, useState } from 'react';
import type { CursorOutcome } from '../shared/bridge-api.js';
import { errorMessage } from './format.js';

export type CursorWrite = 'configure' | 'preview' | 'undo';

/** Cursor rewrites its database on quit, so the core refuses to write while it runs; the window waits for it. */
export const RETRY_EVERY_MS = 2000;
/** Two minutes: long enough to find and quit Cursor, short enough not to poll forever in the background. */
export const MAX_ATTEMPTS = 60;

export interface CursorWriter {
  outcome: CursorOutcome | undefined;
  /** Which button produced `outcome`. */
  lastWrite: CursorWrite | undefined;
  busy: boolean;
  /** Set while waiting for Cursor to quit: the attempt that just failed. */
  waiting: { write: CursorWrite; attempt: number } | undefined;
  gaveUp: boolean;
  start(write: CursorWrite): void;
  cancel(): void;
}

function callCore(write: CursorWrite): Promise<CursorOutcome> {
  if (write === 'undo') return window.bridge.undoCursor();
  return window.bridge.configureCursor(write === 'preview');
}

/**
 * Runs Configure / Preview / Undo. When a write is refused because Cursor is running, it is retried every
 * RETRY_EVERY_MS until it goes through, the user cancels, or MAX_ATTEMPTS is reached.
 */
export function useCursorWriter(): CursorWriter {
  const [outcome, setOutcome] = useState<CursorOutcome>();
  const [lastWrite, setLastWrite] = useState<CursorWrite>();
  const [busy, setBusy] = useState(false);
  const [waiting, setWaiting] = useState<CursorWriter['waiting']>();
  const [gaveUp, setGaveUp] = useState(false);
  // Every start, cancel and unmount opens a new session; answers from an older one are ignored.
  const session = useRef(0);

  const attempt = useCallback(async (write: CursorWrite, count: number, mine: number) => {
    setBusy(true);
    let result: CursorOutcome;
    try {
      result = await callCore(write);
    } catch (error) {
      result = { ok: false, message: errorMessage(error), diff: [], cursorRunning: false };
    }
    if (mine !== session.current) return;
    setBusy(false);
    setOutcome(result);
    setLastWrite(write);
    const blockedByCursor = !result.ok && result.cursorRunning;
    setWaiting(blockedByCursor && count < MAX_ATTEMPTS ? { write, attempt: count } : undefined);
    setGaveUp(blockedByCursor && count >= MAX_ATTEMPTS);
  }, []);

  useEffect(() => {
    if (!waiting) return;
    const mine = session.current;
    const timer = setTimeout(() => void attempt(waiting.write, waiting.attempt + 1, mine), RETRY_EVERY_MS);
    return () => clearTimeout(timer);
  }, [waiting, attempt]);

  useEffect(
    () => () => {
      session.current += 1;
    },
    [],
  );

  const start = useCallback(
    (write: CursorWrite) => {
      session.current += 1;
      setWaiting(undefined);
      setGaveUp(false);
      void attempt(write, 1, session.current);
    },
    [attempt],
  );

  const cancel = useCallback(() => {
    session.current += 1;
    setWaiting(undefined);
    setBusy(false);
    setOutcome({ ok: false, message: 'Stopped waiting for Cursor to quit; nothing was changed.', diff: [], cursorRunning: true });
  }, []);

  return { outcome, lastWrite, busy, waiting, gaveUp, start, cancel };
}
