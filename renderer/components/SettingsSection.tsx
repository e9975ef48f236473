import type { BridgeSnapshot } from '../../shared/bridge-api.js';
import { useAction } from '../use-async.js';
import { Section } from './Section.js';
import { SettingsForm } from './SettingsForm.js';
import { Toggle } from './Toggle.js';
import { TokenPanel } from './TokenPanel.js';
import { TunnelPanel } from './TunnelPanel.js';

/** Starting at login, the token, the tunnel, where the login lives, and every key of settings.json (the form). */
export function SettingsSection({ snapshot }: { snapshot: BridgeSnapshot }) {
  const startAtLogin = useAction((enabled: boolean) => window.bridge.setStartAtLogin(enabled));
  return (
    <>
      <Section title="App">
        {/* The pushed snapshot confirms the new state; until then the switch shows the old one. */}
        <Toggle label="Start at login" checked={snapshot.startAtLogin} disabled={startAtLogin.busy} onChange={(on) => void startAtLogin.run(on)} />
        {startAtLogin.error ? <p className="error-text">{startAtLogin.error}</p> : null}
        <p className="muted small">
          Login file: <code>{snapshot.login.authPath}</code> · version {snapshot.version}
        </p>
      </Section>
      <TokenPanel required={snapshot.tokenRequired} />
      <TunnelPanel tunnel={snapshot.tunnel} />
      <Section title="Settings">
        <SettingsForm />
      </Section>
    </>
  );
}
