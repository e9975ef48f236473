import { AccountPanel } from './components/AccountPanel.js';
import { AliasTable } from './components/AliasTable.js';
import { ChecksPanel } from './components/ChecksPanel.js';
import { ClientSnippets } from './components/ClientSnippets.js';
import { CopyButton } from './components/CopyButton.js';
import { CursorGuide } from './components/CursorGuide.js';
import { RequestInspector } from './components/RequestInspector.js';
import { SettingsSection } from './components/SettingsSection.js';
import { StatusHeader } from './components/StatusHeader.js';
import { UsageCharts } from './components/UsageCharts.js';
import { SECTIONS, useSection } from './use-section.js';
import { useSnapshot } from './use-snapshot.js';

export function App() {
  const { snapshot, error } = useSnapshot();
  const section = useSection();
  if (!snapshot) {
    return <main className="app app-waiting">{error ? `The bridge did not answer: ${error}` : 'Connecting to the bridge…'}</main>;
  }
  const { catalog } = snapshot;
  const signedIn = snapshot.login.state === 'ok';
  return (
    <div className="app">
      <nav className="top-bar" aria-label="Sections">
        <span className="brand">Codex Cursor Bridge</span>
        <ul className="tabs">
          {SECTIONS.map((each) => (
            <li key={each.id}>
              <a href={`#${each.id}`} aria-current={each.id === section ? 'page' : undefined}>
                {each.label}
              </a>
            </li>
          ))}
        </ul>
        <span className="local-url">
          <code>{snapshot.localUrl}</code>
          <CopyButton text={snapshot.localUrl} what="local URL" />
        </span>
      </nav>
      <StatusHeader snapshot={snapshot} />
      <main className="section" aria-label={SECTIONS.find((each) => each.id === section)?.label}>
        {section === 'overview' ? (
          <div className="columns">
            <div className="column">
              {/* Signed out, the status above is the one message (with the sign-in); the account and checks follow it. */}
              {signedIn ? <AccountPanel login={snapshot.login} limits={snapshot.limits} forecasts={snapshot.forecasts} /> : null}
              <CursorGuide snapshot={snapshot} />
            </div>
            <div className="column">
              <ClientSnippets snapshot={snapshot} />
              {signedIn ? <ChecksPanel /> : null}
            </div>
          </div>
        ) : null}
        {section === 'requests' ? <RequestInspector /> : null}
        {section === 'usage' ? <UsageCharts /> : null}
        {/* A new catalog can re-route aliases: remounting reloads the table. */}
        {section === 'models' ? <AliasTable key={`${catalog.state}:${catalog.models}`} /> : null}
        {section === 'settings' ? <SettingsSection snapshot={snapshot} /> : null}
      </main>
    </div>
  );
}
