import type { BridgeSnapshot, StatusAction } from '../../shared/bridge-api.js';
import { useAction } from '../use-async.js';
import { SignIn } from './SignIn.js';

/** The page ChatGPT shows usage and credits on (allowlisted for the system browser). */
const USAGE_PAGE = 'https://chatgpt.com/codex/settings/usage';

/** The one button that fixes the status (sign-in has its own controls: the browser, or a code). */
function StatusButton({ action }: { action: { id: StatusAction; label: string } }) {
  const retry = useAction(() => window.bridge.setTunnel(true));
  if (action.id === 'open-usage') {
    return (
      <a className="button" href={USAGE_PAGE} target="_blank" rel="noreferrer">
        {action.label}
      </a>
    );
  }
  if (action.id !== 'retry-tunnel') return null;
  return (
    <>
      <button type="button" className="primary" onClick={() => void retry.run()} disabled={retry.busy}>
        {retry.busy ? 'Retrying…' : action.label}
      </button>
      {retry.error ? <span className="error-text">{retry.error}</span> : null}
    </>
  );
}

/** Status first: in words and colour, whether the bridge works, and the one action that fixes it. */
export function StatusHeader({ snapshot }: { snapshot: BridgeSnapshot }) {
  const { status } = snapshot;
  const signingIn = snapshot.signIn !== undefined && snapshot.signIn.state !== 'done' && snapshot.login.state !== 'ok';
  return (
    <header className={`status-header level-${status.level}`} aria-label="Status">
      <div className="status-line">
        <span className="status-dot" aria-hidden="true" />
        <div className="status-words">
          <h1 className="status-title" data-testid="status-title">
            {status.title}
          </h1>
          <p className="status-detail">{status.detail}</p>
        </div>
        {status.action && status.action.id !== 'sign-in' ? (
          <div className="status-action">
            <StatusButton action={status.action} />
          </div>
        ) : null}
      </div>
      {status.kind === 'needs-sign-in' || signingIn ? <SignIn progress={snapshot.signIn} again={snapshot.login.state === 'refresh-failed'} /> : null}
    </header>
  );
}
