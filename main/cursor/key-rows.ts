/**
 * The opt-in legacy key write: the bridge token in plain text in `cursorAuth/openAIKey`. Current Cursor prefers the
 * encrypted `secret://` row over it, so that row is deleted in the same transaction (we cannot encrypt for Cursor).
 * Values are recorded for undo but never shown.
 */
import { cellEqual, PLAINTEXT_KEY_ROW, SECRET_KEY_ROW, type StoredCell } from './cursor-db.js';

/** One touched row; `before`/`after` are `undefined` (omitted once serialised) when the row is absent. */
export interface RowChange {
  key: string;
  before?: StoredCell;
  after?: StoredCell;
}

/** The rows this module may touch, so callers know what to read. */
export const KEY_ROWS = [PLAINTEXT_KEY_ROW, SECRET_KEY_ROW] as const;

export type RowValues = ReadonlyMap<string, StoredCell | undefined>;

function changesTo(current: RowValues, targets: ReadonlyMap<string, StoredCell | undefined>): RowChange[] {
  const changes: RowChange[] = [];
  for (const [key, after] of targets) {
    const before = current.get(key);
    if (!cellEqual(before, after)) changes.push({ key, before, after });
  }
  return changes;
}

export function planPlaintextKey(current: RowValues, token: string): RowChange[] {
  return changesTo(
    current,
    new Map<string, StoredCell | undefined>([
      [PLAINTEXT_KEY_ROW, { text: token }],
      [SECRET_KEY_ROW, undefined],
    ]),
  );
}

/** Restores a row only while it still holds what the bridge wrote; a key the user or Cursor set since is kept. */
export function revertRows(current: RowValues, applied: readonly RowChange[]): RowChange[] {
  const targets = new Map<string, StoredCell | undefined>();
  for (const change of applied) {
    if (cellEqual(current.get(change.key), change.after)) targets.set(change.key, change.before);
  }
  return changesTo(current, targets);
}

function presence(cell: StoredCell | undefined): string {
  return cell === undefined ? '(absent)' : '(set, value hidden)';
}

export function formatRowChanges(changes: readonly RowChange[]): string[] {
  return changes.map((change) => `${change.key}: ${presence(change.before)} → ${presence(change.after)}`);
}
