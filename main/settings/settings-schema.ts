import { z } from 'zod';
import { ALIAS_NAMES } from '../models/aliases.js';
import { CLAUDE_FAMILIES } from '../models/claude-models.js';

/**
 * The bridge's settings.json, written once as a zod schema: the types, the validation of the file (the app's
 * electron-store and the CLI's conf read it through `parseSettings`) and the settings form's checks all come from
 * here. Keys this version does not know are kept as they are (a newer bridge may have written them); known keys are
 * checked on every read, so a hand-edit mistake is reported, never half-applied.
 */

const aliasName = z.string().refine((name) => ALIAS_NAMES.includes(name), { error: `is not a bridge alias; known aliases: ${ALIAS_NAMES.join(', ')}` });
const nonEmpty = z.string({ error: 'must be a non-empty string' }).refine((text) => text.trim() !== '', { error: 'must be a non-empty string' });
const flag = z.boolean({ error: 'must be true or false' });

// A pin is a closed shape: a misspelt field would otherwise be silently ignored.
const aliasOverrideSchema = z.strictObject(
  {
    slug: nonEmpty.optional(),
    effort: nonEmpty.optional(),
    /** `default` drops the priority tier from a -fast alias; `priority` adds it to any alias. */
    serviceTier: z.enum(['priority', 'default'], { error: 'must be one of "priority", "default"' }).optional(),
  },
  { error: 'must be an object like {"slug": "…", "effort": "…"}' },
);

const CLAUDE_FAMILY_ERROR = `must be one of ${CLAUDE_FAMILIES.map((family) => `"${family}"`).join(', ')}`;

export const tunnelProviderSchema = z.enum(['ngrok', 'cloudflared'], { error: 'must be one of "ngrok", "cloudflared"' });

const tunnelSchema = z.looseObject(
  {
    provider: tunnelProviderSchema.optional(),
    enabled: flag.optional(),
    /** Kept in settings.json only by bridges before 0.6; migrated to the secret store (secret-store.ts). */
    authtoken: nonEmpty.optional(),
    domain: nonEmpty.optional(),
  },
  { error: 'must be an object' },
);

export const settingsSchema = z.looseObject(
  {
    /** Listen port and address when neither a flag nor the environment names one. */
    port: z.int({ error: 'must be a port number from 0 to 65535' }).min(0, { error: 'must be a port number from 0 to 65535' }).max(65535, { error: 'must be a port number from 0 to 65535' }).optional(),
    host: nonEmpty.optional(),
    /** Per-alias pins that replace what the catalog resolves (see models/aliases.ts). */
    modelOverrides: z.record(aliasName, aliasOverrideSchema, { error: 'must be an object' }).optional(),
    /** Surface reasoning summaries as `reasoning_content` in Chat Completions answers. Default false. */
    reasoningSummaries: flag.optional(),
    requireToken: flag.optional(),
    allowedOrigins: z.array(nonEmpty, { error: 'must be a list of origin strings' }).optional(),
    tunnel: tunnelSchema.optional(),
    idleTimeoutMs: z.int({ error: 'must be a whole number of milliseconds, 0 or more' }).min(0, { error: 'must be a whole number of milliseconds, 0 or more' }).optional(),
    /** The desktop app's start-at-login choice; absent until the app's first launch turns it on. */
    startAtLogin: flag.optional(),
    /** Days of usage history kept in history.sqlite. Default 90. */
    historyRetentionDays: z.int({ error: 'must be a whole number of days, 1 or more' }).min(1, { error: 'must be a whole number of days, 1 or more' }).optional(),
    /** When the plan's usage limit is reached: fail with 429 + Retry-After (default) or serve from another alias. */
    onUsageLimit: z
      .union([z.literal('fail'), z.strictObject({ fallback: aliasName })], { error: 'must be "fail" or {"fallback": "<bridge alias>"}' })
      .optional(),
    /** Which bridge alias each Claude model family routes to on /v1/messages (see models/claude-models.ts). */
    claudeModels: z
      .partialRecord(z.enum(CLAUDE_FAMILIES, { error: CLAUDE_FAMILY_ERROR }), aliasName, { error: 'must be an object' })
      .optional(),
  },
  { error: 'must hold a JSON object' },
);

export type BridgeSettings = z.infer<typeof settingsSchema>;
export type KnownSettings = { [K in keyof BridgeSettings as string extends K ? never : K]: BridgeSettings[K] };
export type TunnelSettings = NonNullable<BridgeSettings['tunnel']>;

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

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((value, key) => (value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined), root);
}

/**
 * `value` as BridgeSettings, or a SettingsError naming the first invalid field in words:
 * `Settings file /x/settings.json: "tunnel.provider" must be one of "ngrok", "cloudflared" (got "frp")`.
 */
export function parseSettings(value: unknown, where: string): BridgeSettings {
  const parsed = settingsSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  // An unknown key of a closed shape (an override's field) is named itself; a wrong record key names the entry.
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
  if (path.length === 0) throw new SettingsError(`${where}: ${issue.message}${got(value)}`);
  const field = path.map(String).join('.');
  const message =
    issue.code === 'unrecognized_keys'
      ? path[0] === 'claudeModels'
        ? `${CLAUDE_FAMILY_ERROR}${got(issue.keys[0])}`
        : `is not an override field (${Object.keys(aliasOverrideSchema.shape).join(', ')})`
      : issue.code === 'invalid_key'
        ? (issue.issues[0]?.message ?? issue.message)
        : issue.code === 'custom' && issue.message.startsWith('is not')
          ? issue.message
          : `${issue.message}${got(valueAt(value, path))}`;
  throw new SettingsError(`${where}: "${field}" ${message}`, field);
}
