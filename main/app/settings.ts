import type { SettingsChange, SettingsOutcome, SettingsView } from '../../shared/bridge-api.js';
import { DEFAULT_HISTORY_RETENTION_DAYS } from '../bridge.js';
import type { BridgeConfig } from '../config/bridge-config.js';
import { ALIAS_NAMES } from '../models/aliases.js';
import { CLAUDE_FAMILIES, claudeModelMap } from '../models/claude-models.js';
import type { SecretStore } from '../settings/secret-store.js';
import { DEFAULT_IDLE_TIMEOUT_MS } from '../upstream/upstream-client.js';
import { SettingsError, type BridgeSettings, type SettingsPatch, type SettingsStore } from '../settings/settings-store.js';


/** When a saved change takes effect. */
type Effect = 'now' | 'restart' | 'tunnel';

const LABELS: Record<keyof SettingsChange, string> = {
  port: 'port',
  host: 'listen address',
  idleTimeoutMs: 'idle timeout',
  requireToken: 'token requirement',
  allowedOrigins: 'allowed origins',
  modelOverrides: 'model overrides',
  reasoningSummaries: 'reasoning summaries',
  historyRetentionDays: 'history retention',
  usageLimitFallback: 'usage-limit fallback',
  claudeModels: 'Claude model mapping',
  startAtLogin: 'start at login',
  tunnelProvider: 'tunnel provider',
  ngrokAuthtoken: 'ngrok authtoken',
  tunnelDomain: 'reserved domain',
};
/** Read once at start (the listener, the upstream client), or when the tunnel starts; everything else on each use. */
const RESTART: readonly (keyof SettingsChange)[] = ['port', 'host', 'idleTimeoutMs'];
const TUNNEL: readonly (keyof SettingsChange)[] = ['tunnelProvider', 'ngrokAuthtoken', 'tunnelDomain'];
const effectOf = (field: keyof SettingsChange): Effect => (RESTART.includes(field) ? 'restart' : TUNNEL.includes(field) ? 'tunnel' : 'now');

/** The form's field for a settings.json path the schema refused (`tunnel.domain` → `tunnelDomain`). */
const FIELD_OF_KEY: Record<string, keyof SettingsChange> = {
  'tunnel.provider': 'tunnelProvider',
  'tunnel.domain': 'tunnelDomain',
  onUsageLimit: 'usageLimitFallback',
  'onUsageLimit.fallback': 'usageLimitFallback',
  claudeModels: 'claudeModels',
  ...Object.fromEntries(CLAUDE_FAMILIES.map((family) => [`claudeModels.${family}`, 'claudeModels'] as const)),
};

export interface SettingsUseCaseDeps {
  config: BridgeConfig;
  settings: SettingsStore;
  secrets: SecretStore;
  /** The start-at-login choice as the system has it now. */
  startAtLogin(): boolean;
  /** Turns start at login on or off; returns what the system now says, or a refusal in words. Only the desktop has it. */
  setStartAtLogin?(enabled: boolean): { ok: boolean; now: boolean; message?: string };
}

function text(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** A form change as a settings.json patch ('' removes a key, so its default is in force again). */
function patchOf(change: SettingsChange): SettingsPatch {
  const patch: SettingsPatch = {};
  if (change.port !== undefined) patch.port = change.port;
  if (change.host !== undefined) patch.host = text(change.host);
  if (change.idleTimeoutMs !== undefined) patch.idleTimeoutMs = change.idleTimeoutMs;
  if (change.requireToken !== undefined) patch.requireToken = change.requireToken;
  if (change.allowedOrigins !== undefined) patch.allowedOrigins = change.allowedOrigins.map((origin) => origin.trim()).filter((origin) => origin !== '');
  if (change.reasoningSummaries !== undefined) patch.reasoningSummaries = change.reasoningSummaries;
  if (change.historyRetentionDays !== undefined) patch.historyRetentionDays = change.historyRetentionDays;
  if (change.usageLimitFallback !== undefined) patch.onUsageLimit = text(change.usageLimitFallback) ? { fallback: change.usageLimitFallback.trim() } : undefined;
  if (change.startAtLogin !== undefined) patch.startAtLogin = change.startAtLogin;
  if (change.claudeModels !== undefined) patch.claudeModels = change.claudeModels;
  if (change.tunnelProvider !== undefined || change.tunnelDomain !== undefined) {
    patch.tunnel = {
      ...(change.tunnelProvider !== undefined ? { provider: change.tunnelProvider } : {}),
      ...(change.tunnelDomain !== undefined ? { domain: text(change.tunnelDomain) } : {}),
    };
  }
  return patch;
}

function overridesOf(change: NonNullable<SettingsChange['modelOverrides']>): BridgeSettings['modelOverrides'] {
  const pins = Object.entries(change).flatMap(([alias, pin]) => {
    const kept = Object.fromEntries(Object.entries(pin).filter(([, value]) => typeof value === 'string' && value.trim() !== ''));
    return Object.keys(kept).length > 0 ? [[alias, kept] as const] : [];
  });
  return pins.length > 0 ? Object.fromEntries(pins) : undefined;
}

function joined(labels: string[]): string {
  return labels.length <= 1 ? (labels[0] ?? '') : `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)}`;
}

const capitalized = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/** What a save did, in words: what is in force now, what waits for the tunnel's next start, what for a restart. */
function effectMessage(fields: (keyof SettingsChange)[], tunnelOn: boolean, startAtLogin: boolean): string {
  const by = (effect: Effect): string[] =>
    fields.filter((field) => field !== 'startAtLogin' && effectOf(field) === effect).map((field) => LABELS[field]);
  const parts: string[] = fields.includes('startAtLogin') ? [startAtLogin ? 'The bridge starts when you log in.' : 'The bridge does not start when you log in.'] : [];
  if (by('now').length > 0) parts.push(`In force now: ${joined(by('now'))}.`);
  if (by('tunnel').length > 0) parts.push(`${capitalized(joined(by('tunnel')))}: used ${tunnelOn ? 'when the tunnel next starts (press Retry, or turn it off and on)' : 'when the tunnel starts'}.`);
  if (by('restart').length > 0) parts.push(`${capitalized(joined(by('restart')))}: in force after the bridge restarts.`);
  if (parts.length === 0) return 'Nothing changed.';
  return fields.length === 1 && fields[0] === 'startAtLogin' ? parts[0]! : `Saved. ${parts.join(' ')}`;
}

/** The settings use cases: the form's view of settings.json and a change to it, with what each change does. */
export function createSettingsUseCases(deps: SettingsUseCaseDeps) {
  const { config, settings, secrets } = deps;

  function view(): SettingsView {
    let saved: BridgeSettings = {};
    try {
      saved = settings.read();
    } catch {
      // The form shows the defaults; saving reports the broken file.
    }
    let authtokenSet = false;
    try {
      authtokenSet = secrets.read('ngrok-authtoken') !== undefined;
    } catch {
      authtokenSet = true; // sealed by the desktop app: it is there
    }
    const fallback = saved.onUsageLimit;
    return {
      path: settings.path,
      port: saved.port ?? config.port,
      host: saved.host ?? config.host,
      requireToken: saved.requireToken === true,
      allowedOrigins: [...(saved.allowedOrigins ?? [])],
      tunnelProvider: saved.tunnel?.provider ?? 'ngrok',
      ngrokAuthtokenSet: authtokenSet,
      tunnelDomain: saved.tunnel?.domain ?? '',
      modelOverrides: { ...(saved.modelOverrides ?? {}) },
      reasoningSummaries: saved.reasoningSummaries === true,
      idleTimeoutMs: saved.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
      startAtLogin: deps.startAtLogin(),
      historyRetentionDays: saved.historyRetentionDays ?? DEFAULT_HISTORY_RETENTION_DAYS,
      usageLimitFallback: typeof fallback === 'object' ? fallback.fallback : '',
      claudeModels: claudeModelMap(saved.claudeModels),
      secretsStorage: secrets.storage,
      aliases: [...ALIAS_NAMES],
    };
  }

  function update(change: SettingsChange, tunnelOn: boolean): SettingsOutcome {
    const fields = Object.keys(change).filter((key) => change[key as keyof SettingsChange] !== undefined) as (keyof SettingsChange)[];
    const refused = (message: string, field?: string): SettingsOutcome => ({ ok: false, message, ...(field ? { field } : {}), restartNeeded: [], settings: view() });
    // Without the desktop nothing is written: the app's first launch still finds the choice unmade.
    if (change.startAtLogin !== undefined && !deps.setStartAtLogin) return refused('Starting at login needs the desktop app.', 'startAtLogin');
    try {
      const patch = patchOf(change);
      if (change.modelOverrides !== undefined) {
        // The form sends the whole table: a pin it no longer holds is removed (merge removes keys set to undefined).
        const stored = Object.keys(settings.read().modelOverrides ?? {});
        const pins = overridesOf(change.modelOverrides);
        patch.modelOverrides = pins ? { ...Object.fromEntries(stored.map((alias) => [alias, undefined])), ...pins } : undefined;
      }
      settings.update(patch);
      const authtoken = change.ngrokAuthtoken?.trim();
      if (authtoken !== undefined) {
        if (authtoken === '') secrets.remove('ngrok-authtoken');
        else secrets.write('ngrok-authtoken', authtoken);
      }
      if (change.startAtLogin !== undefined && deps.setStartAtLogin) {
        const outcome = deps.setStartAtLogin(change.startAtLogin);
        if (outcome.now !== change.startAtLogin) settings.update({ startAtLogin: outcome.now });
        if (!outcome.ok) return refused(outcome.message ?? 'Start at login could not be changed.', 'startAtLogin');
      }
    } catch (error) {
      if (!(error instanceof SettingsError)) throw error;
      const field = error.field === null ? undefined : (FIELD_OF_KEY[error.field] ?? error.field.split('.')[0]);
      return refused(error.message.replace(/^Settings update: /, 'Not saved: '), field);
    }
    const settingsNow = view();
    return {
      ok: true,
      message: effectMessage(fields, tunnelOn, settingsNow.startAtLogin),
      restartNeeded: fields.filter((field) => effectOf(field) === 'restart'),
      settings: settingsNow,
    };
  }

  return { view, update };
}
