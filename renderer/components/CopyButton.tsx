import { useEffect, useState } from 'react';
import { useAction } from '../use-async.js';

const CONFIRMATION_MS = 1500;

/** Copies through the core (Electron's clipboard): the sandboxed page has no clipboard permission of its own. */
export function CopyButton({ text, what, label = 'Copy' }: { text: string | undefined; what: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  const copy = useAction(async (value: string) => {
    await window.bridge.copyText(value);
    return true;
  });

  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), CONFIRMATION_MS);
    return () => clearTimeout(timer);
  }, [copied]);

  async function onClick(): Promise<void> {
    if (text !== undefined && (await copy.run(text))) setCopied(true);
  }

  return (
    <button type="button" className="copy" aria-label={`Copy ${what}`} title={copy.error} disabled={text === undefined || copy.busy} onClick={() => void onClick()}>
      {copy.error ? 'Copy failed' : copied ? 'Copied' : label}
    </button>
  );
}
