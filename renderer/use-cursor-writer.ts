import { useCallback, useEffect, useRef, useState } from 'react';
import type { CursorOutcome } from '../shared/bridge-api.js';
import { errorMessage } from './format.js';

export type CursorWrite = 'configure' | 'preview' | 'undo';

export interface CursorWriter {
  outcome: CursorOutcome | undefined;
  /** Which button produced `outcome`. */
  lastWrite: CursorWrite | undefined;
  /** A write is under way (it may be waiting for Cursor to quit: the snapshot's `cursorWait` says so). */
  busy: boolean;
  start(write: CursorWrite): void;
  /** Stops a write that waits for Cursor to quit; that write then answers that nothing changed. */
  cancel(): void;
}

function callCore(write: CursorWrite): Promise<CursorOutcome> {
  if (write === 'undo') return window.bridge.undoCursor();
  return window.bridge.configureCursor(write === 'preview');
}

/** Runs Configure / Preview / Undo; the core decides whether to wait for Cursor, and how long. */
export function useCursorWriter(): CursorWriter {
  const [outcome, setOutcome] = useState<CursorOutcome>();
  const [lastWrite, setLastWrite] = useState<CursorWrite>();
  const [busy, setBusy] = useState(false);
  // Every start and unmount opens a new session; answers from an older one are ignored.
  const session = useRef(0);
  const pending = useRef(false);

  useEffect(
    () => () => {
      session.current += 1;
      // A closed window must not leave the core waiting for Cursor on its behalf.
      if (pending.current) void window.bridge.cancelCursorWait().catch(() => undefined);
    },
    [],
  );

  const start = useCallback((write: CursorWrite) => {
    session.current += 1;
    const mine = session.current;
    pending.current = true;
    setBusy(true);
    callCore(write)
      .catch((error: unknown): CursorOutcome => ({ ok: false, message: errorMessage(error), diff: [], cursorRunning: false, warnings: [] }))
      .then((result) => {
        if (mine !== session.current) return;
        pending.current = false;
        setBusy(false);
        setOutcome(result);
        setLastWrite(write);
      });
  }, []);

  const cancel = useCallback(() => {
    void window.bridge.cancelCursorWait().catch(() => undefined);
  }, []);

  return { outcome, lastWrite, busy, start, cancel };
}
