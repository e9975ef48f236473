import { AliasTable } from './components/AliasTable.js';
import { ChecksPanel } from './components/ChecksPanel.js';
import { CursorPanel } from './components/CursorPanel.js';
import { Header } from './components/Header.js';
import { LoginPanel } from './components/LoginPanel.js';
import { RequestLogTable } from './components/RequestLogTable.js';
import { Section } from './components/Section.js';
import { SettingsForm } from './components/SettingsForm.js';
import { TokenPanel } from './components/TokenPanel.js';
import { TunnelPanel } from './components/TunnelPanel.js';
import { useSnapshot } from './use-snapshot.js';

export function App() {
  const { snapshot, error } = useSnapshot();
  if (!snapshot) {
    return <main className="app app-waiting">{error ? `The bridge did not answer: ${error}` : 'Connecting to the bridge…'}</main>;
  }
  const { catalog } = snapshot;
  return (
    <main className="app">
      <Header snapshot={snapshot} />
      <div className="columns">
        <div className="column">
          <LoginPanel login={snapshot.login} limits={snapshot.limits} />
          <ChecksPanel />
        </div>
        <div className="column">
          <TokenPanel required={snapshot.tokenRequired} />
          <TunnelPanel tunnel={snapshot.tunnel} />
          <CursorPanel wait={snapshot.cursorWait} />
        </div>
      </div>
      {/* A new catalog can re-route aliases: remounting reloads the table. */}
      <AliasTable key={`${catalog.state}:${catalog.models}`} />
      <RequestLogTable localUrl={snapshot.localUrl} />
      {/* Until the new layout gives it a Settings section of its own. */}
      <Section title="Settings">
        <SettingsForm />
      </Section>
    </main>
  );
}
