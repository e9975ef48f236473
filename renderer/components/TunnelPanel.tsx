import type { TunnelState, TunnelView } from '../../shared/bridge-api.js';
import { useAction } from '../use-async.js';
import { CopyButton } from './CopyButton.js';
import { Section } from './Section.js';
import { Toggle } from './Toggle.js';

const STATE_LABEL: Record<TunnelState, string> = {
  off: 'Off',
  connecting: 'Connecting…',
  online: 'Online',
  failed: 'Failed',
  reconnecting: 'Reconnecting…',
};

export function TunnelPanel({ tunnel }: { tunnel: TunnelView }) {
  // The switch follows the pushed snapshot; setTunnel's own answer arrives as one too.
  const toggle = useAction((enabled: boolean) => window.bridge.setTunnel(enabled));
  const switchControl = (
    <Toggle label="Public tunnel" checked={tunnel.state !== 'off'} disabled={toggle.busy} onChange={(on) => void toggle.run(on)} />
  );
  return (
    <Section title="Public tunnel" actions={switchControl}>
      <p>
        <span className={`state state-${tunnel.state}`} data-testid="tunnel-state">
          {STATE_LABEL[tunnel.state]}
        </span>{' '}
        <span className="muted">via {tunnel.provider}</span>
      </p>
      {tunnel.url ? (
        <div className="value-row">
          <code data-testid="tunnel-url">{tunnel.url}</code>
          <CopyButton text={tunnel.url} what="public URL" />
        </div>
      ) : null}
      {tunnel.error ? (
        <div className={tunnel.state === 'failed' ? 'problem' : 'notice'}>
          <p>{tunnel.error}</p>
          {tunnel.hint ? <p className="hint">{tunnel.hint}</p> : null}
          {tunnel.state === 'failed' ? (
            <button type="button" onClick={() => void toggle.run(true)} disabled={toggle.busy}>
              Retry
            </button>
          ) : null}
        </div>
      ) : null}
      {toggle.error ? <p className="error-text">{toggle.error}</p> : null}
      <p className="muted small">
        Cursor's servers reach the bridge only through a public URL. While the tunnel is on, every request must carry the bridge token.
      </p>
    </Section>
  );
}
