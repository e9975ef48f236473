import type { SignInView } from '../../shared/bridge-api.js';
import { useAction } from '../use-async.js';
import { CopyButton } from './CopyButton.js';

const signIn = (method: 'browser' | 'device') => window.bridge.signIn(method);

/**
 * Signing in with ChatGPT, in the window: the two ways in, then the progress the core reports in the snapshot
 * (waiting for the browser, or the code to type and where), with Cancel. A Cancel the user chose is no failure.
 */
export function SignIn({ progress, again }: { progress: SignInView | undefined; again: boolean }) {
  const start = useAction(signIn);
  const cancel = useAction(() => window.bridge.cancelSignIn());

  if (progress?.state === 'starting' || progress?.state === 'waiting-browser') {
    return (
      <div className="sign-in" role="status" aria-label="Sign-in progress">
        {progress.state === 'waiting-browser' ? (
          <>
            <p>
              <strong>Waiting for the browser…</strong> Finish signing in on the ChatGPT page
              {progress.opened ? ' that just opened.' : '. The browser did not open: open this address yourself:'}
            </p>
            {progress.opened ? null : (
              <div className="value-row">
                <code className="long">{progress.url}</code>
                <CopyButton text={progress.url} what="sign-in address" />
              </div>
            )}
          </>
        ) : (
          <p>
            <strong>Starting the sign-in…</strong>
          </p>
        )}
        <button type="button" onClick={() => void cancel.run()}>
          Cancel
        </button>
      </div>
    );
  }
  if (progress?.state === 'device-code') {
    return (
      <div className="sign-in" role="status" aria-label="Sign-in progress">
        <p>
          On any device, open <a href={progress.verificationUrl} target="_blank" rel="noreferrer">{progress.verificationUrl}</a> and enter this code:
        </p>
        <div className="value-row">
          <code className="user-code" data-testid="user-code">
            {progress.userCode}
          </code>
          <CopyButton text={progress.userCode} what="code" />
        </div>
        <p className="muted small">The code works for 15 minutes.</p>
        <button type="button" onClick={() => void cancel.run()}>
          Cancel
        </button>
      </div>
    );
  }
  return (
    <div className="sign-in">
      {progress?.state === 'failed' && !progress.cancelled ? (
        <p className="problem" role="alert">
          {progress.message}
        </p>
      ) : null}
      {progress?.state === 'failed' && progress.cancelled ? <p className="muted">Sign-in cancelled.</p> : null}
      <div className="buttons">
        <button type="button" className="primary" onClick={() => void start.run('browser')} disabled={start.busy}>
          {again ? 'Sign in again with ChatGPT' : 'Sign in with ChatGPT'}
        </button>
        <button type="button" className="link-button" onClick={() => void start.run('device')} disabled={start.busy}>
          Use a code instead
        </button>
      </div>
      {start.error ? <p className="error-text">{start.error}</p> : null}
    </div>
  );
}
