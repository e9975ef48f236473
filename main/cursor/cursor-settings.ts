/**
 * The pure part of configuring Cursor: given the parsed "application user" reactive-storage JSON, compute the
 * JSON with the bridge's BYOK settings applied (or reverted) and an exact record of every field touched.
 * Only four fields are ever touched; every other key, and every other element of the two lists, is kept as is.
 */
import { CursorConfigError } from './errors.js';
import { isJsonObject, jsonEqual, showJson, type JsonObject, type JsonValue } from './json.js';

export type BridgeField = 'openAIBaseUrl' | 'useOpenAIKey' | 'aiSettings.userAddedModels' | 'aiSettings.modelOverrideEnabled';

const LIST_FIELDS = ['aiSettings.userAddedModels', 'aiSettings.modelOverrideEnabled'] as const;
type ListField = (typeof LIST_FIELDS)[number];

/**
 * One touched field. `before`/`after` are `undefined` (and omitted once serialised) when the field is absent.
 * List fields also say which names appeared (`added`) and disappeared (`removed`).
 */
export interface FieldChange {
  field: BridgeField;
  before?: JsonValue;
  after?: JsonValue;
  added?: string[];
  removed?: string[];
}

export interface SettingsTarget {
  /** The public bridge URL + `/v1` (Cursor appends `/chat/completions`). */
  baseUrl: string;
  /** Model names to register in Cursor's picker, in display order. */
  aliases: readonly string[];
}

export interface SettingsEdit {
  next: JsonObject;
  changes: FieldChange[];
  /** `aiSettings` did not exist and was created to hold the lists (undo removes it again if left empty). */
  createdAiSettings: boolean;
}

/** What `revertBridgeSettings` needs from an earlier apply. */
export interface AppliedSettings {
  changes: readonly FieldChange[];
  createdAiSettings: boolean;
}

/** Names earlier bridge versions registered: `bridge-gpt-*` and `bridge-pro` (exact); a current alias never counts. */
export function isLegacyAlias(name: string, aliases: readonly string[]): boolean {
  return (name.startsWith('bridge-gpt-') || name === 'bridge-pro') && !aliases.includes(name);
}

function aiSettingsOf(settings: JsonObject): JsonObject | undefined {
  const aiSettings = settings.aiSettings;
  if (aiSettings === undefined) return undefined;
  if (!isJsonObject(aiSettings)) throw shapeError('aiSettings', 'an object');
  return aiSettings;
}

function shapeError(field: string, expected: string): CursorConfigError {
  return new CursorConfigError(
    'unexpected_shape',
    `Cursor's settings have an unexpected shape (${field} is not ${expected}); nothing was changed. Open Cursor's model settings once, quit Cursor, and try again.`,
  );
}

function isListField(field: BridgeField): field is ListField {
  return (LIST_FIELDS as readonly string[]).includes(field);
}

function readField(settings: JsonObject, field: BridgeField): JsonValue | undefined {
  if (!isListField(field)) return settings[field];
  const value = aiSettingsOf(settings)?.[listKey(field)];
  if (value !== undefined && !Array.isArray(value)) throw shapeError(field, 'a list');
  return value;
}

function listKey(field: ListField): string {
  return field.slice('aiSettings.'.length);
}

/** Sets (or, for `undefined`, deletes) a field; returns true when it had to create `aiSettings`. */
function writeField(settings: JsonObject, field: BridgeField, value: JsonValue | undefined): boolean {
  if (!isListField(field)) {
    if (value === undefined) delete settings[field];
    else settings[field] = value;
    return false;
  }
  let aiSettings = aiSettingsOf(settings);
  if (aiSettings === undefined) {
    if (value === undefined) return false;
    aiSettings = settings.aiSettings = {};
    aiSettings[listKey(field)] = value;
    return true;
  }
  if (value === undefined) delete aiSettings[listKey(field)];
  else aiSettings[listKey(field)] = value;
  return false;
}

function strings(value: JsonValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** The change record for one field, or null when the value did not change. */
function describeChange(field: BridgeField, before: JsonValue | undefined, after: JsonValue | undefined): FieldChange | null {
  if (jsonEqual(before, after)) return null;
  const change: FieldChange = { field, before, after };
  if (isListField(field)) {
    const old = strings(before);
    const now = strings(after);
    change.added = now.filter((name, i) => !old.includes(name) && now.indexOf(name) === i);
    change.removed = old.filter((name, i) => !now.includes(name) && old.indexOf(name) === i);
  }
  return change;
}

/** Drops legacy names and repeated names (first one wins), then appends the aliases that are missing. */
function withAliases(list: JsonValue | undefined, aliases: readonly string[]): JsonValue[] {
  const seen = new Set<string>();
  const result: JsonValue[] = [];
  for (const item of Array.isArray(list) ? list : []) {
    if (typeof item === 'string') {
      if (isLegacyAlias(item, aliases) || seen.has(item)) continue;
      seen.add(item);
    }
    result.push(item);
  }
  for (const alias of aliases) {
    if (!seen.has(alias)) {
      seen.add(alias);
      result.push(alias);
    }
  }
  return result;
}

function edit(current: JsonObject, targets: ReadonlyMap<BridgeField, JsonValue | undefined>): SettingsEdit {
  const next = structuredClone(current);
  const changes: FieldChange[] = [];
  let createdAiSettings = false;
  for (const [field, value] of targets) {
    const change = describeChange(field, readField(current, field), value);
    if (change === null) continue;
    changes.push(change);
    createdAiSettings = writeField(next, field, value) || createdAiSettings;
  }
  return { next, changes, createdAiSettings };
}

/** Points Cursor's BYOK at the bridge: base URL, the API-key toggle, and the aliases in both picker lists. */
export function applyBridgeSettings(current: JsonObject, target: SettingsTarget): SettingsEdit {
  const aliases = [...new Set(target.aliases)];
  const targets = new Map<BridgeField, JsonValue | undefined>([
    ['openAIBaseUrl', target.baseUrl],
    ['useOpenAIKey', true],
  ]);
  for (const field of LIST_FIELDS) targets.set(field, withAliases(readField(current, field), aliases));
  return edit(current, targets);
}

/**
 * Undoes an earlier apply field by field. A field still holding what the bridge wrote gets its previous value back
 * exactly (deleted if it was absent). A field changed since keeps the newer value; for a list, only the bridge's
 * own additions are taken out and the names it removed are put back. Every other key keeps its current value.
 */
export function revertBridgeSettings(current: JsonObject, applied: AppliedSettings): SettingsEdit {
  const targets = new Map<BridgeField, JsonValue | undefined>();
  for (const change of applied.changes) {
    const now = readField(current, change.field);
    if (jsonEqual(now, change.after)) targets.set(change.field, change.before);
    else if (isListField(change.field) && Array.isArray(now)) targets.set(change.field, withoutBridgeEdits(now, change));
  }
  const reverted = edit(current, targets);
  const aiSettings = reverted.next.aiSettings;
  if (applied.createdAiSettings && isJsonObject(aiSettings) && Object.keys(aiSettings).length === 0) {
    delete reverted.next.aiSettings;
  }
  return reverted;
}

function withoutBridgeEdits(list: JsonValue[], change: FieldChange): JsonValue[] {
  const added = new Set(change.added ?? []);
  const result = list.filter((item) => typeof item !== 'string' || !added.has(item));
  for (const name of change.removed ?? []) if (!result.includes(name)) result.push(name);
  return result;
}

/**
 * Folds a later apply into an earlier one so the result still leads from the user's own values to the latest.
 * If the field changed in between (the user edited it), its value before the later apply is the one to restore;
 * for a list, minus the bridge's earlier edits, which are still the bridge's.
 */
export function chainFieldChange(earlier: FieldChange, later: FieldChange): FieldChange {
  const continues = jsonEqual(earlier.after, later.before);
  if (!isListField(later.field)) return continues ? { field: later.field, before: earlier.before, after: later.after } : later;
  let before = later.before;
  if (continues) before = earlier.before;
  else if (Array.isArray(later.before)) before = withoutBridgeEdits(later.before, earlier);
  const earlierAdded = earlier.added ?? [];
  const laterAdded = later.added ?? [];
  const laterRemoved = later.removed ?? [];
  // A name added earlier and removed now was never the user's; a name removed earlier and added now is back.
  const added = union(earlierAdded.filter((name) => !laterRemoved.includes(name)), laterAdded);
  const removed = union(earlier.removed ?? [], laterRemoved.filter((name) => !earlierAdded.includes(name))).filter(
    (name) => !laterAdded.includes(name),
  );
  return { field: later.field, before, after: later.after, added, removed };
}

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}

/** Human-readable `field: old → new` lines for `--dry-run` and the result summary. */
export function formatFieldChanges(changes: readonly FieldChange[]): string[] {
  return changes.map((change) => {
    const edits = [...(change.added ?? []).map((name) => `+${name}`), ...(change.removed ?? []).map((name) => `-${name}`)];
    const summary = edits.length > 0 ? ` (${edits.join(', ')})` : '';
    return `${change.field}: ${showJson(change.before)} → ${showJson(change.after)}${summary}`;
  });
}
