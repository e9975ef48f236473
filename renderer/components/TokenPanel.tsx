import { useState } from 'react';
import { masked } from '../format.js';
import { useAction, useLoad } from '../use-async.js';
import { CopyButton } from './CopyButton.js';
import { Section } from './Section.js';

const getToken = () => window.bridge.getToken();

export function TokenPanel({ required }: { required: boolean }) {
  const token = useLoad(getToken);
  const [shown, setShown] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const rotate = useAction(() => window.bridge.rotateToken());

  async function rotateNow(): Promise<void> {
    const fresh = await rotate.run();
    if (fresh !== undefined) token.set(fresh);
    setConfirming(false);
  }

  return (
    <Section title="Bridge token">
      <p className="muted">
        {required
          ? 'Required: clients send it as their OpenAI API key.'
          : 'Not required from this computer; required as soon as the public tunnel is on.'}
      </p>
      <div className="value-row">
        <code className="secret" data-testid="bridge-token">
          {token.data === undefined ? '…' : shown ? token.data : masked(token.data)}
        </code>
        <button type="button" onClick={() => setShown(!shown)} disabled={token.data === undefined}>
          {shown ? 'Hide' : 'Show'}
        </button>
        <CopyButton text={token.data} what="token" />
        <button type="button" onClick={() => setConfirming(true)} disabled={confirming || rotate.busy}>
          Rotate…
        </button>
      </div>
      {confirming ? (
        <div className="confirm" role="alertdialog" aria-label="Confirm token rotation">
          <p>A new token replaces this one at once: every client using it, Cursor included, needs the new one.</p>
          <div className="buttons">
            <button type="button" className="danger" onClick={() => void rotateNow()} disabled={rotate.busy}>
              Rotate token
            </button>
            <button type="button" onClick={() => setConfirming(false)} disabled={rotate.busy}>
              Cancel
            </button>
          </div>
        </div>
      ) : null}
      {token.error ? <p className="error-text">Could not read the token: {token.error}</p> : null}
      {rotate.error ? <p className="error-text">Rotation failed: {rotate.error}</p> : null}
    </Section>
  );
}
