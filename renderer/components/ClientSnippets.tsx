import { useState } from 'react';
import type { BridgeSnapshot } from '../../shared/bridge-api.js';
import { masked } from '../format.js';
import { clientSnippets } from '../snippets.js';
import { useLoad } from '../use-async.js';
import { CopyButton } from './CopyButton.js';
import { Section } from './Section.js';

const getToken = () => window.bridge.getToken();
const MODEL = 'bridge-pro-high';

/** Set-ups for other clients, each with Copy; the token is masked on screen and real in what is copied. */
export function ClientSnippets({ snapshot }: { snapshot: BridgeSnapshot }) {
  const token = useLoad(getToken);
  const [chosen, setChosen] = useState('claude-code');
  const input = { localUrl: snapshot.localUrl, ...(snapshot.tunnel.url ? { publicUrl: snapshot.tunnel.url } : {}), model: MODEL };
  const real = clientSnippets({ ...input, token: token.data ?? '' });
  const shown = clientSnippets({ ...input, token: token.data ? masked(token.data) : '…' });
  const index = Math.max(0, shown.findIndex((snippet) => snippet.id === chosen));
  const snippet = shown[index]!;
  return (
    <Section title="Other clients">
      <div className="segmented" role="group" aria-label="Client">
        {shown.map((each) => (
          <button key={each.id} type="button" aria-pressed={each.id === snippet.id} onClick={() => setChosen(each.id)}>
            {each.label}
          </button>
        ))}
      </div>
      <p className="muted small">{snippet.note}</p>
      <div className="snippet">
        <pre data-testid="snippet">{snippet.text}</pre>
        <CopyButton text={token.data === undefined ? undefined : real[index]!.text} what={`${snippet.label} set-up`} />
      </div>
    </Section>
  );
}
