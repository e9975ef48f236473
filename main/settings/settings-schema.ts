import { ALIAS_NAMES, type AliasOverride } from '../models/aliases.js';
import { CLAUDE_FAMILIES, type ClaudeModelMap } from '../models/claude-models.js';
import { isRecord, type JsonObject } from '../json.js';

export interface TunnelSettings {
  provider?: 'ngrok' | 'cloudflared';
  enabled?: boolean;
  authtoken?: string;
  domain?: string;
  [key: string]: unknown;
}

/** The keys this version of the bridge understands. */
export interface KnownSettings {
  /** Per-alias pins that replace what the catalog resolves (see models/aliases.ts). */
  modelOverrides?: Record<string, AliasOverride>;
  /** Surface reasoning summaries as `reasoning_content` in Chat Completions answers. Default false. */
  reasoningSummaries?: boolean;
  requireToken?: boolean;
  allowedOrigins?: string[];
  tunnel?: TunnelSettings;
  idleTimeoutMs?: number;
  /** The desktop app's start-at-login choice; absent until the app's first launch turns it on. */
  startAtLogin?: boolean;
  /** Days of usage history kept in history.sqlite. Default 90. */
  historyRetentionDays?: number;
  /** When the plan's usage limit is reached: fail with 429 + Retry-After (default) or serve from another alias. */
  onUsageLimit?: 'fail' | { fallback: string };
  /** Which bridge alias each Claude model family routes to on /v1/messages (see models/claude-models.ts). */
  claudeModels?: Partial<ClaudeModelMap>;
}

/**
 * The bridge's settings.json. Keys this version does not know are kept as they are (a newer bridge may have
 * written them); known keys are checked on every read, so a hand-edit mistake is reported, never half-applied.
 */
export interface BridgeSettings extends KnownSettings {
  [key: string]: unknown;
}

/** A settings value that is invalid; `field` is a dotted path such as `modelOverrides.bridge-fast.slug`. */
export class SettingsError extends Error {
  readonly field: string | null;
  constructor(message: string, field: string | null = null) {
    super(message);
    this.name = 'SettingsError';
    this.field = field;
  }
}



/** ` (got …)` for a message about a wrong value. */
function got(value: unknown): string {
  return ` (got ${value === undefined ? 'nothing' : JSON.stringify(value)})`;
}

/** Validates one document; `where` names it in every message ("Settings file /x/settings.json"). */
class Checker {
  constructor(private readonly where: string) {}

  fail(field: string, problem: string): never {
    throw new SettingsError(`${this.where}: "${field}" ${problem}`, field);
  }

  boolean(field: string, value: unknown): void {
    if (value !== undefined && typeof value !== 'boolean') this.fail(field, `must be true or false${got(value)}`);
  }

  string(field: string, value: unknown): void {
    if (value !== undefined && (typeof value !== 'string' || value.trim() === '')) this.fail(field, `must be a non-empty string${got(value)}`);
  }

  oneOf(field: string, value: unknown, allowed: readonly string[]): void {
    if (value !== undefined && !allowed.includes(value as string)) {
      this.fail(field, `must be one of ${allowed.map((a) => `"${a}"`).join(', ')}${got(value)}`);
    }
  }

  object(field: string, value: unknown): JsonObject | undefined {
    if (value !== undefined && !isRecord(value)) this.fail(field, `must be an object${got(value)}`);
    return value as JsonObject | undefined;
  }
}

const OVERRIDE_FIELDS = ['slug', 'effort', 'serviceTier'];

function checkOverrides(check: Checker, value: unknown): void {
  for (const [alias, override] of Object.entries(check.object('modelOverrides', value) ?? {})) {
    const field = `modelOverrides.${alias}`;
    if (!ALIAS_NAMES.includes(alias)) check.fail(field, `is not a bridge alias; known aliases: ${ALIAS_NAMES.join(', ')}`);
    if (!isRecord(override)) check.fail(field, `must be an object like {"slug": "…", "effort": "…"}${got(override)}`);
    // Unlike top-level keys, a pin is a closed shape: a misspelt field would otherwise be silently ignored.
    for (const key of Object.keys(override)) {
      if (!OVERRIDE_FIELDS.includes(key)) check.fail(`${field}.${key}`, `is not an override field (${OVERRIDE_FIELDS.join(', ')})`);
    }
    check.string(`${field}.slug`, override.slug);
    check.string(`${field}.effort`, override.effort);
    check.oneOf(`${field}.serviceTier`, override.serviceTier, ['priority', 'default']);
  }
}

/** `value` as BridgeSettings, or a SettingsError naming the first invalid field. Unknown keys pass through. */
export function validateSettings(value: unknown, where: string): BridgeSettings {
  const check = new Checker(where);
  if (!isRecord(value)) throw new SettingsError(`${where}: must hold a JSON object${got(value)}`);
  checkOverrides(check, value.modelOverrides);
  check.boolean('reasoningSummaries', value.reasoningSummaries);
  check.boolean('requireToken', value.requireToken);
  check.boolean('startAtLogin', value.startAtLogin);
  for (const [family, alias] of Object.entries(check.object('claudeModels', value.claudeModels) ?? {})) {
    check.oneOf(`claudeModels.${family}`, family, CLAUDE_FAMILIES);
    check.oneOf(`claudeModels.${family}`, alias, ALIAS_NAMES);
  }
  const origins = value.allowedOrigins;
  if (origins !== undefined && (!Array.isArray(origins) || origins.some((o) => typeof o !== 'string' || o.trim() === ''))) {
    check.fail('allowedOrigins', `must be a list of origin strings${got(origins)}`);
  }
  const tunnel = check.object('tunnel', value.tunnel);
  if (tunnel !== undefined) {
    check.oneOf('tunnel.provider', tunnel.provider, ['ngrok', 'cloudflared']);
    check.boolean('tunnel.enabled', tunnel.enabled);
    check.string('tunnel.authtoken', tunnel.authtoken);
    check.string('tunnel.domain', tunnel.domain);
  }
  const idle = value.idleTimeoutMs;
  if (idle !== undefined && (typeof idle !== 'number' || !Number.isSafeInteger(idle) || idle < 0)) {
    check.fail('idleTimeoutMs', `must be a whole number of milliseconds, 0 or more${got(idle)}`);
  }
  const retention = value.historyRetentionDays;
  if (retention !== undefined && (typeof retention !== 'number' || !Number.isSafeInteger(retention) || retention < 1)) {
    check.fail('historyRetentionDays', `must be a whole number of days, 1 or more${got(retention)}`);
  }
  const onLimit = value.onUsageLimit;
  if (onLimit !== undefined && onLimit !== 'fail') {
    if (!isRecord(onLimit) || Object.keys(onLimit).some((key) => key !== 'fallback')) {
      check.fail('onUsageLimit', `must be "fail" or {"fallback": "<bridge alias>"}${got(onLimit)}`);
    }
    if (!ALIAS_NAMES.includes((onLimit as JsonObject).fallback as string)) check.fail('onUsageLimit.fallback', `is not a bridge alias; known aliases: ${ALIAS_NAMES.join(', ')}`);
  }
  return value as BridgeSettings;
}
