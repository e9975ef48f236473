import { useEffect, useState, type ReactNode } from 'react';
import type { SettingsChange, SettingsOutcome, SettingsView } from '../../shared/bridge-api.js';
import { useAction, useLoad } from '../use-async.js';
import { useSnapshot } from '../use-snapshot.js';

/** What the form edits: the view's values, with texts as typed (numbers too) and the authtoken only when typed. */
interface Draft {
  port: string;
  host: string;
  requireToken: boolean;
  allowedOrigins: string;
  tunnelProvider: SettingsView['tunnelProvider'];
  ngrokAuthtoken: string;
  tunnelDomain: string;
  modelOverrides: SettingsView['modelOverrides'];
  reasoningSummaries: boolean;
  idleTimeoutSeconds: string;
  startAtLogin: boolean;
  historyRetentionDays: string;
  usageLimitFallback: string;
  claudeModels: SettingsView['claudeModels'];
}

function draftOf(view: SettingsView): Draft {
  return {
    port: String(view.port),
    host: view.host,
    requireToken: view.requireToken,
    allowedOrigins: view.allowedOrigins.join('\n'),
    tunnelProvider: view.tunnelProvider,
    ngrokAuthtoken: '',
    tunnelDomain: view.tunnelDomain,
    modelOverrides: view.modelOverrides,
    reasoningSummaries: view.reasoningSummaries,
    idleTimeoutSeconds: String(view.idleTimeoutMs / 1000),
    startAtLogin: view.startAtLogin,
    historyRetentionDays: String(view.historyRetentionDays),
    usageLimitFallback: view.usageLimitFallback,
    claudeModels: view.claudeModels,
  };
}

/** A typed number as the core takes it; what is not a number goes through as NaN and the core refuses it in words. */
const numberOf = (text: string): number => (text.trim() === '' ? Number.NaN : Number(text));

/** Only what the user changed, so a save says exactly what it did. */
function changeOf(view: SettingsView, draft: Draft): SettingsChange {
  const change: SettingsChange = {};
  const origins = draft.allowedOrigins.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  if (draft.port !== String(view.port)) change.port = numberOf(draft.port);
  if (draft.host !== view.host) change.host = draft.host;
  if (draft.requireToken !== view.requireToken) change.requireToken = draft.requireToken;
  if (origins.join('\n') !== view.allowedOrigins.join('\n')) change.allowedOrigins = origins;
  if (draft.tunnelProvider !== view.tunnelProvider) change.tunnelProvider = draft.tunnelProvider;
  if (draft.ngrokAuthtoken.trim() !== '') change.ngrokAuthtoken = draft.ngrokAuthtoken;
  if (draft.tunnelDomain !== view.tunnelDomain) change.tunnelDomain = draft.tunnelDomain;
  if (JSON.stringify(draft.modelOverrides) !== JSON.stringify(view.modelOverrides)) change.modelOverrides = draft.modelOverrides;
  if (draft.reasoningSummaries !== view.reasoningSummaries) change.reasoningSummaries = draft.reasoningSummaries;
  if (draft.idleTimeoutSeconds !== String(view.idleTimeoutMs / 1000)) change.idleTimeoutMs = Math.round(numberOf(draft.idleTimeoutSeconds) * 1000);
  if (draft.startAtLogin !== view.startAtLogin) change.startAtLogin = draft.startAtLogin;
  if (draft.historyRetentionDays !== String(view.historyRetentionDays)) change.historyRetentionDays = numberOf(draft.historyRetentionDays);
  if (draft.usageLimitFallback !== view.usageLimitFallback) change.usageLimitFallback = draft.usageLimitFallback;
  if (JSON.stringify(draft.claudeModels) !== JSON.stringify(view.claudeModels)) change.claudeModels = draft.claudeModels;
  return change;
}

const NUMBER_FIELDS: [keyof SettingsChange & ('port' | 'idleTimeoutMs' | 'historyRetentionDays'), string, keyof Draft][] = [
  ['port', 'the port', 'port'],
  ['idleTimeoutMs', 'the idle timeout', 'idleTimeoutSeconds'],
  ['historyRetentionDays', 'the history retention', 'historyRetentionDays'],
];

/** Which form field a refusal names (the core names settings.json's own keys). */
const FIELD_OF: Record<string, keyof Draft> = { idleTimeoutMs: 'idleTimeoutSeconds', modelOverrides: 'modelOverrides' };

function Field({ label, hint, children }: { label: string; hint?: string; children: ReactNode }) {
  return (
    <label className="settings-field">
      <span className="settings-label">{label}</span>
      {children}
      {hint ? <span className="settings-hint">{hint}</span> : null}
    </label>
  );
}

/**
 * Everything in settings.json, with what each change does once saved (in force now, when the tunnel starts, or
 * after a restart). Self-contained: it reads and writes through `window.bridge` only.
 */
export function SettingsForm() {
  const settings = useLoad(() => window.bridge.getSettings());
  const { snapshot } = useSnapshot();
  const [draft, setDraft] = useState<Draft>();
  const [outcome, setOutcome] = useState<SettingsOutcome>();
  const save = useAction((change: SettingsChange) => window.bridge.updateSettings(change));
  const retry = useAction(() => window.bridge.setTunnel(true));

  useEffect(() => {
    if (settings.data) setDraft(draftOf(settings.data));
  }, [settings.data]);

  if (!settings.data || !draft) return <div className="settings-form">{settings.error ? `Settings could not be read: ${settings.error}` : 'Reading the settings…'}</div>;
  const view = settings.data;
  const edit = (patch: Partial<Draft>): void => setDraft({ ...draft, ...patch });
  const invalid = outcome && !outcome.ok && outcome.field ? (FIELD_OF[outcome.field] ?? outcome.field) : undefined;
  const flagged = (field: keyof Draft) => (invalid === field ? { 'aria-invalid': true as const, 'aria-describedby': 'settings-outcome' } : {});
  const pending = changeOf(view, draft);
  const tunnel = snapshot?.tunnel;

  async function submit(): Promise<void> {
    // A number field left empty or not a number cannot cross the IPC contract; say so here.
    const notANumber = NUMBER_FIELDS.find(([key]) => Number.isNaN(pending[key]));
    if (notANumber) {
      setOutcome({ ok: false, message: `Not saved: ${notANumber[1]} needs a number.`, field: notANumber[2], restartNeeded: [], settings: view });
      return;
    }
    const result = await save.run(pending);
    if (!result) return;
    setOutcome(result);
    if (result.ok) settings.set(result.settings);
  }

  const pin = (alias: string, key: 'slug' | 'effort' | 'serviceTier', value: string): void => {
    const { [key]: _old, ...rest } = draft.modelOverrides[alias] ?? {};
    const next = value === '' ? rest : { ...rest, [key]: value };
    const { [alias]: _pin, ...others } = draft.modelOverrides;
    edit({ modelOverrides: Object.keys(next).length > 0 ? { ...others, [alias]: next } : others });
  };

  return (
    // Saved by the button, never submitted: the window's CSP (form-action 'none') allows no form submission.
    <form className="settings-form" aria-label="Settings" onSubmit={(event) => event.preventDefault()}>
      <fieldset>
        <legend>Local server</legend>
        <p className="settings-hint">Port and address take effect after the bridge restarts.</p>
        <div className="settings-row">
          <Field label="Port">
            <input type="number" min={0} max={65535} value={draft.port} onChange={(e) => edit({ port: e.currentTarget.value })} {...flagged('port')} />
          </Field>
          <Field label="Listen address">
            <input type="text" value={draft.host} onChange={(e) => edit({ host: e.currentTarget.value })} {...flagged('host')} />
          </Field>
        </div>
        <label className="settings-check">
          <input type="checkbox" checked={draft.requireToken} onChange={(e) => edit({ requireToken: e.currentTarget.checked })} />
          Require the bridge token from local clients too
        </label>
        <Field label="Allowed browser origins" hint="One per line, e.g. http://localhost:3000. Requests from other web pages are refused.">
          <textarea rows={2} value={draft.allowedOrigins} onChange={(e) => edit({ allowedOrigins: e.currentTarget.value })} {...flagged('allowedOrigins')} />
        </Field>
      </fieldset>

      <fieldset>
        <legend>Public tunnel</legend>
        <div className="settings-row">
          <Field label="Provider">
            <select value={draft.tunnelProvider} onChange={(e) => edit({ tunnelProvider: e.currentTarget.value as Draft['tunnelProvider'] })}>
              <option value="ngrok">ngrok</option>
              <option value="cloudflared">Cloudflare quick tunnel (cloudflared)</option>
            </select>
          </Field>
          <Field label="Reserved domain (ngrok)" hint="Keeps the public URL the same across restarts.">
            <input type="text" placeholder="my-name.ngrok.app" value={draft.tunnelDomain} onChange={(e) => edit({ tunnelDomain: e.currentTarget.value })} {...flagged('tunnelDomain')} />
          </Field>
        </div>
        <Field label="ngrok authtoken" hint={view.ngrokAuthtokenSet ? 'An authtoken is stored; type a new one to replace it.' : 'From dashboard.ngrok.com → Your Authtoken.'}>
          <input
            type="password"
            autoComplete="off"
            placeholder={view.ngrokAuthtokenSet ? '•••••••• (stored)' : ''}
            value={draft.ngrokAuthtoken}
            onChange={(e) => edit({ ngrokAuthtoken: e.currentTarget.value })}
            {...flagged('ngrokAuthtoken')}
          />
        </Field>
        {tunnel?.state === 'failed' ? (
          <div className="problem settings-tunnel-failed">
            <p>The tunnel failed: {tunnel.error}</p>
            <button type="button" disabled={retry.busy} onClick={() => void retry.run()}>
              Retry the tunnel
            </button>
          </div>
        ) : null}
        {retry.error ? <p className="error-text">{retry.error}</p> : null}
      </fieldset>

      <fieldset>
        <legend>Models</legend>
        <table className="settings-overrides">
          <thead>
            <tr>
              <th scope="col">Alias</th>
              <th scope="col">Model slug</th>
              <th scope="col">Effort</th>
              <th scope="col">Tier</th>
            </tr>
          </thead>
          <tbody>
            {view.aliases.map((alias) => (
              <tr key={alias}>
                <th scope="row">{alias}</th>
                <td>
                  <input type="text" aria-label={`${alias} model slug`} placeholder="from the catalog" value={draft.modelOverrides[alias]?.slug ?? ''} onChange={(e) => pin(alias, 'slug', e.currentTarget.value)} />
                </td>
                <td>
                  <input type="text" aria-label={`${alias} effort`} placeholder="default" value={draft.modelOverrides[alias]?.effort ?? ''} onChange={(e) => pin(alias, 'effort', e.currentTarget.value)} />
                </td>
                <td>
                  <select aria-label={`${alias} tier`} value={draft.modelOverrides[alias]?.serviceTier ?? ''} onChange={(e) => pin(alias, 'serviceTier', e.currentTarget.value)}>
                    <option value="">as the alias says</option>
                    <option value="priority">priority</option>
                    <option value="default">default</option>
                  </select>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <label className="settings-check">
          <input type="checkbox" checked={draft.reasoningSummaries} onChange={(e) => edit({ reasoningSummaries: e.currentTarget.checked })} />
          Send reasoning summaries (as <code>reasoning_content</code>)
        </label>
        <Field label="When the usage limit is reached">
          <select value={draft.usageLimitFallback} onChange={(e) => edit({ usageLimitFallback: e.currentTarget.value })} {...flagged('usageLimitFallback')}>
            <option value="">Fail with 429 until it resets</option>
            {view.aliases.map((alias) => (
              <option key={alias} value={alias}>
                Serve from {alias}
              </option>
            ))}
          </select>
        </Field>
        <div className="settings-row" role="group" aria-label="Claude Code's models">
          {(Object.keys(view.claudeModels) as (keyof Draft['claudeModels'])[]).map((family) => (
            <Field key={family} label={`claude-${family}-… runs on`}>
              <select
                value={draft.claudeModels[family]}
                onChange={(e) => edit({ claudeModels: { ...draft.claudeModels, [family]: e.currentTarget.value } })}
                {...flagged('claudeModels')}
              >
                {view.aliases.map((alias) => (
                  <option key={alias} value={alias}>
                    {alias}
                  </option>
                ))}
              </select>
            </Field>
          ))}
        </div>
      </fieldset>

      <fieldset>
        <legend>App</legend>
        <div className="settings-row">
          <Field label="Idle timeout (seconds)" hint="How long an answer may stay silent; after a restart.">
            <input type="number" min={0} value={draft.idleTimeoutSeconds} onChange={(e) => edit({ idleTimeoutSeconds: e.currentTarget.value })} {...flagged('idleTimeoutSeconds')} />
          </Field>
          <Field label="Keep usage history (days)">
            <input type="number" min={1} value={draft.historyRetentionDays} onChange={(e) => edit({ historyRetentionDays: e.currentTarget.value })} {...flagged('historyRetentionDays')} />
          </Field>
        </div>
        <label className="settings-check">
          <input type="checkbox" checked={draft.startAtLogin} onChange={(e) => edit({ startAtLogin: e.currentTarget.checked })} />
          Start the bridge when I log in
        </label>
      </fieldset>

      <p className="settings-hint" data-testid="secrets-storage">
        {view.secretsStorage === 'os-keychain'
          ? 'The bridge token and the ngrok authtoken are kept encrypted by your system keychain.'
          : 'The bridge token and the ngrok authtoken are kept in files only your user can read (no system keychain is available).'}{' '}
        Settings file: <code>{view.path}</code>
      </p>
      <div className="settings-actions">
        <button type="button" className="primary" disabled={save.busy || Object.keys(pending).length === 0} onClick={() => void submit()}>
          Save settings
        </button>
        <button type="button" disabled={save.busy} onClick={() => setDraft(draftOf(view))}>
          Discard changes
        </button>
      </div>
      {outcome ? (
        <p id="settings-outcome" className={outcome.ok ? 'settings-saved' : 'error-text'} role={outcome.ok ? 'status' : 'alert'}>
          {outcome.message}
        </p>
      ) : null}
      {save.error ? (
        <p className="error-text" role="alert">
          {save.error}
        </p>
      ) : null}
    </form>
  );
}
