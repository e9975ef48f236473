import type { BridgeSnapshot } from '../../shared/bridge-api.js';
import { useAction } from '../use-async.js';
import { CopyButton } from './CopyButton.js';
import { Toggle } from './Toggle.js';

export function Header({ snapshot }: { snapshot: BridgeSnapshot }) {
  const startAtLogin = useAction((enabled: boolean) => window.bridge.setStartAtLogin(enabled));
  return (
    <header className="app-header">
      <div className="brand">
        <h1>Codex Cursor Bridge</h1>
        <span className="version">v{snapshot.version}</span>
      </div>
      <div className="local-url">
        <span className="label">Local API</span>
        <code>{snapshot.localUrl}</code>
        <CopyButton text={snapshot.localUrl} what="local URL" />
      </div>
      <div className="header-end">
        {/* The pushed snapshot confirms the new state; until then the switch shows the old one. */}
        <Toggle label="Start at login" checked={snapshot.startAtLogin} disabled={startAtLogin.busy} onChange={(on) => void startAtLogin.run(on)} />
        {startAtLogin.error ? <span className="error-text">{startAtLogin.error}</span> : null}
      </div>
    </header>
  );
}
