import { useState, type ReactNode } from 'react';
import type { ActionOutcome, BridgeSnapshot, CursorOutcome } from '../../shared/bridge-api.js';
import { useAction, useLoad } from '../use-async.js';
import { useCursorWriter, type CursorWrite } from '../use-cursor-writer.js';
import { CopyButton } from './CopyButton.js';
import { Section } from './Section.js';

type StepState = 'done' | 'current' | 'todo';

const MARK: Record<StepState, string> = { done: '✓', current: '•', todo: '' };
const MARK_LABEL: Record<StepState, string> = { done: 'done', current: 'to do now', todo: 'later' };

function Step({ state, title, children }: { state: StepState; title: string; children?: ReactNode }) {
  return (
    <li className={`step step-${state}`} data-step-state={state}>
      <span className="step-mark" role="img" aria-label={MARK_LABEL[state]}>
        {MARK[state]}
      </span>
      <div className="step-body">
        <h3>{title}</h3>
        {children}
      </div>
    </li>
  );
}

const DONE_LABEL: Record<CursorWrite, string> = { configure: 'Configure', preview: 'Preview', undo: 'Undo' };

/** An outcome: success green, the user's own Cancel neutral, a failure red; the raw diff behind a disclosure. */
function CursorResult({ outcome, write }: { outcome: CursorOutcome; write: CursorWrite | undefined }) {
  const tone = outcome.ok ? (write === 'preview' ? 'outcome-neutral' : 'outcome-ok') : outcome.reason === 'cancelled' ? 'outcome-neutral' : 'outcome-fail';
  const heading = write === 'preview' && outcome.ok ? (outcome.summary ? 'Configuring Cursor would change its settings (nothing was written yet):' : outcome.message) : outcome.message;
  return (
    <div className={`outcome ${tone}`} role="status" aria-label="Cursor outcome">
      <p>
        {write ? <span className="muted">{DONE_LABEL[write]}: </span> : null}
        {heading}
      </p>
      {outcome.summary ? <p className="summary">{outcome.summary}</p> : null}
      {outcome.warnings.map((warning) => (
        <p key={warning}>{warning}</p>
      ))}
      {outcome.diff.length > 0 ? (
        <details>
          <summary>Exact changes</summary>
          <pre className="diff">{outcome.diff.join('\n')}</pre>
        </details>
      ) : null}
    </div>
  );
}

const getToken = () => window.bridge.getToken();

/**
 * Connect Cursor, in order: signed in → public tunnel → quit Cursor → configure → the token → a test request.
 * Where it stands comes from the core (login, tunnel, Cursor's database), so it is still right after a restart.
 */
export function CursorGuide({ snapshot }: { snapshot: BridgeSnapshot }) {
  const cursor = useCursorWriter();
  const token = useLoad(getToken);
  const tunnel = useAction((enabled: boolean) => window.bridge.setTunnel(enabled));
  const test = useAction<[], ActionOutcome>(() => window.bridge.testPublicUrl());
  const [testResult, setTestResult] = useState<ActionOutcome>();

  const signedIn = snapshot.login.state === 'ok';
  const online = snapshot.tunnel.state === 'online';
  const configured = snapshot.cursorConfigured === true;
  const tested = testResult?.ok === true;
  const configureBlocked = !signedIn ? 'Sign in first.' : !online ? 'Turn the public tunnel on first: Cursor reaches the bridge only through it.' : undefined;

  async function runTest(): Promise<void> {
    const outcome = await test.run();
    if (outcome) setTestResult(outcome);
  }

  const stateOf = (done: boolean, ready: boolean): StepState => (done ? 'done' : ready ? 'current' : 'todo');
  const failedTunnel = snapshot.tunnel.state === 'failed';
  return (
    <Section title="Connect Cursor">
      <ol className="steps">
        <Step state={stateOf(signedIn, true)} title="Sign in with ChatGPT">
          {signedIn ? null : <p className="muted">Use the sign-in at the top of the window.</p>}
        </Step>
        <Step state={stateOf(online, signedIn)} title="Turn the public tunnel on">
          <p className="muted small">
            Cursor&apos;s servers make the calls, so they need a public address ({snapshot.tunnel.provider}).{' '}
            {online ? <code>{snapshot.tunnel.url}</code> : null}
          </p>
          {failedTunnel ? (
            <div className="problem" role="alert">
              <p>
                The {snapshot.tunnel.provider} tunnel failed: {snapshot.tunnel.error ?? 'unknown error'}
              </p>
              {snapshot.tunnel.hint ? <p className="hint">{snapshot.tunnel.hint}</p> : null}
            </div>
          ) : null}
          {online ? null : (
            <button type="button" className={signedIn ? 'primary' : ''} onClick={() => void tunnel.run(true)} disabled={tunnel.busy || snapshot.tunnel.state === 'connecting'}>
              {failedTunnel ? 'Retry' : snapshot.tunnel.state === 'connecting' ? 'Connecting…' : 'Turn on'}
            </button>
          )}
          {tunnel.error ? <p className="error-text">{tunnel.error}</p> : null}
        </Step>
        <Step state={stateOf(configured, online && signedIn)} title="Quit Cursor, then configure it">
          <p className="muted small">Cursor rewrites its settings when it quits, so the bridge writes them while it is closed. Undo puts back exactly what was there.</p>
          {snapshot.cursorWait && cursor.busy ? (
            <div className="notice" role="status">
              <p>
                <strong>Quit Cursor to apply.</strong> Trying again every {snapshot.cursorWait.retryEveryMs / 1000} s (attempt {snapshot.cursorWait.attempt} of{' '}
                {snapshot.cursorWait.maxAttempts}).
              </p>
              <button type="button" onClick={cursor.cancel}>
                Cancel
              </button>
            </div>
          ) : null}
          <div className="buttons">
            <button type="button" className={configured || configureBlocked ? '' : 'primary'} onClick={() => cursor.start('configure')} disabled={cursor.busy || configureBlocked !== undefined} aria-describedby={configureBlocked ? 'configure-blocked' : undefined}>
              {configured ? 'Configure again' : 'Configure Cursor'}
            </button>
            <button type="button" onClick={() => cursor.start('preview')} disabled={cursor.busy || configureBlocked !== undefined}>
              Preview
            </button>
            {configured ? (
              <button type="button" onClick={() => cursor.start('undo')} disabled={cursor.busy}>
                Undo
              </button>
            ) : null}
          </div>
          {configureBlocked ? (
            <p className="muted small" id="configure-blocked">
              {configureBlocked}
            </p>
          ) : null}
          {cursor.outcome && !(snapshot.cursorWait && cursor.busy) ? <CursorResult outcome={cursor.outcome} write={cursor.lastWrite} /> : null}
        </Step>
        <Step state={stateOf(tested, configured)} title="Paste the bridge token into Cursor">
          <p className="muted small">Cursor Settings → Models → OpenAI API Key:</p>
          <div className="value-row">
            <CopyButton text={token.data} what="token" label="Copy token" />
          </div>
        </Step>
        <Step state={stateOf(tested, configured && online)} title="Send a test request">
          <p className="muted small">One request through the public URL with the token, the way Cursor&apos;s servers come in.</p>
          <button type="button" onClick={() => void runTest()} disabled={test.busy || !online}>
            {test.busy ? 'Testing…' : 'Send a test request'}
          </button>
          {testResult ? (
            <p className={testResult.ok ? 'outcome outcome-ok' : 'outcome outcome-fail'} role="status" aria-label="Test result">
              {testResult.message}
            </p>
          ) : null}
          {test.error ? <p className="error-text">{test.error}</p> : null}
        </Step>
      </ol>
    </Section>
  );
}
