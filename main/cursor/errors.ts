import { ApiError } from '../errors/api-error.js';

/** Every way configuring Cursor can fail; each one leaves Cursor's database exactly as it was. */
export type CursorErrorReason =
  | 'db_missing'
  | 'db_invalid'
  | 'db_locked'
  | 'row_missing'
  | 'json_invalid'
  | 'unexpected_shape'
  | 'cursor_running'
  | 'process_check_failed'
  | 'nothing_to_undo'
  | 'undo_record_invalid'
  | 'verify_failed';

const STATUS: Record<CursorErrorReason, number> = {
  db_missing: 404,
  db_invalid: 422,
  db_locked: 409,
  row_missing: 422,
  json_invalid: 422,
  unexpected_shape: 422,
  cursor_running: 409,
  process_check_failed: 500,
  nothing_to_undo: 404,
  undo_record_invalid: 422,
  verify_failed: 500,
};

/** An `ApiError` whose `reason` (also its `code`) lets the CLI and the window react without parsing messages. */
export class CursorConfigError extends ApiError {
  readonly reason: CursorErrorReason;

  constructor(reason: CursorErrorReason, message: string) {
    super(STATUS[reason], message, { code: `cursor_${reason}` });
    this.name = 'CursorConfigError';
    this.reason = reason;
  }
}

export const CURSOR_RUNNING_MESSAGE =
  'Quit Cursor (Cmd+Q on macOS) to apply — Cursor overwrites its settings database while it runs';
