import { MAX_ATTEMPTS, RETRY_EVERY_MS, useCursorWriter, type CursorWrite } from '../use-cursor-writer.js';
import { Section } from './Section.js';

const WAIT_SECONDS = Math.round((RETRY_EVERY_MS * MAX_ATTEMPTS) / 1000);

const DONE_LABEL: Record<CursorWrite, string> = { configure: 'Configure', preview: 'Preview', undo: 'Undo' };

export function CursorPanel() {
  const cursor = useCursorWriter();
  const { outcome, waiting } = cursor;
  return (
    <Section title="Cursor">
      <p className="muted">
        Points Cursor&apos;s “Override OpenAI Base URL” at the public tunnel and adds the <code>bridge-*</code> models. Undo puts back exactly what
        was there.
      </p>
      <div className="buttons">
        <button type="button" className="primary" onClick={() => cursor.start('configure')} disabled={cursor.busy}>
          Configure Cursor
        </button>
        <button type="button" onClick={() => cursor.start('preview')} disabled={cursor.busy}>
          Preview
        </button>
        <button type="button" onClick={() => cursor.start('undo')} disabled={cursor.busy}>
          Undo
        </button>
      </div>
      {waiting ? (
        <div className="notice" role="status">
          <p>
            <strong>Quit Cursor to apply.</strong> Cursor is running and rewrites its settings when it quits. Trying again every{' '}
            {RETRY_EVERY_MS / 1000} s (attempt {waiting.attempt} of {MAX_ATTEMPTS}).
          </p>
          <button type="button" onClick={cursor.cancel}>
            Cancel
          </button>
        </div>
      ) : outcome ? (
        <div className={outcome.ok ? 'outcome outcome-ok' : 'outcome outcome-fail'} role="status" aria-label="Cursor outcome">
          <p>
            {cursor.lastWrite ? <span className="muted">{DONE_LABEL[cursor.lastWrite]}: </span> : null}
            {outcome.message}
          </p>
          {outcome.ok && outcome.cursorRunning ? <p>Cursor is running: quit it before applying.</p> : null}
          {cursor.gaveUp ? <p>Stopped waiting after {WAIT_SECONDS} s. Quit Cursor, then try again.</p> : null}
          {outcome.diff.length > 0 ? <pre className="diff">{outcome.diff.join('\n')}</pre> : null}
        </div>
      ) : null}
    </Section>
  );
}
