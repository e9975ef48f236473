import type { CursorWaitView } from '../../shared/bridge-api.js';
import { useCursorWriter, type CursorWrite } from '../use-cursor-writer.js';
import { Section } from './Section.js';

const DONE_LABEL: Record<CursorWrite, string> = { configure: 'Configure', preview: 'Preview', undo: 'Undo' };

/** `wait`: set by the core while a write waits for Cursor to quit (from the snapshot). */
export function CursorPanel({ wait }: { wait: CursorWaitView | undefined }) {
  const cursor = useCursorWriter();
  const { outcome } = cursor;
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
      {wait && cursor.busy ? (
        <div className="notice" role="status">
          <p>
            <strong>Quit Cursor to apply.</strong> Cursor is running and rewrites its settings when it quits. Trying again every{' '}
            {wait.retryEveryMs / 1000} s (attempt {wait.attempt} of {wait.maxAttempts}).
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
          {outcome.warnings.map((warning) => (
            <p key={warning}>{warning}</p>
          ))}
          {outcome.keyInstruction ? <p>{outcome.keyInstruction}.</p> : null}
          {outcome.diff.length > 0 ? <pre className="diff">{outcome.diff.join('\n')}</pre> : null}
        </div>
      ) : null}
    </Section>
  );
}
