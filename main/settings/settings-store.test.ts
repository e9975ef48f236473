import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSecretStore } from './secret-store.js';
import { createSettingsStore, openConfSettingsFile, settingsFileOptions, SettingsError } from './settings-store.js';

let home: string;
beforeEach(() => {
  home = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bridge-settings-')), 'home');
});
afterEach(() => {
  fs.rmSync(path.dirname(home), { recursive: true, force: true });
});

const posix = process.platform !== 'win32';

/** The settings as the CLI opens them: conf (electron-store, which extends conf, is opened with the same options). */
function open(dir = home) {
  const secrets = createSecretStore(dir);
  return createSettingsStore(dir, () => openConfSettingsFile(settingsFileOptions(dir, secrets)));
}
/** settings.json as it is on disk, without conf's migration record. */
function onDisk(file: string): Record<string, unknown> {
  const { __internal__: _internal, ...settings } = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  return settings;
}

function thrown(fn: () => unknown): SettingsError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return error as SettingsError;
  }
  throw new Error('expected a SettingsError');
}

describe('settings store', () => {
  it('reads {} before the first write and round-trips every field', () => {
    const store = open();
    expect(store.path).toBe(path.join(home, 'settings.json'));
    expect(store.read()).toEqual({});
    const settings = {
      modelOverrides: { 'bridge-fast': { slug: 'gpt-5.5', effort: 'high', serviceTier: 'default' as const } },
      reasoningSummaries: true,
      requireToken: false,
      allowedOrigins: ['https://cursor.example'],
      tunnel: { provider: 'ngrok' as const, enabled: true, domain: 'me.ngrok.app' },
      idleTimeoutMs: 600_000,
      historyRetentionDays: 30,
      onUsageLimit: { fallback: 'bridge-mini' },
      claudeModels: { opus: 'bridge-pro-xhigh', haiku: 'bridge-fast' },
    };
    expect(store.update(settings)).toEqual(settings);
    expect(open().read()).toEqual(settings);
  });

  it('writes atomically: folder 0700, file 0600, no temp file left, unknown keys kept', () => {
    fs.mkdirSync(home, { recursive: false });
    fs.writeFileSync(path.join(home, 'settings.json'), JSON.stringify({ futureKey: { nested: [1] }, requireToken: true }), { mode: 0o644 });
    const store = open();
    store.update({ reasoningSummaries: true });
    expect(onDisk(store.path)).toEqual({ futureKey: { nested: [1] }, requireToken: true, reasoningSummaries: true });
    expect(fs.readdirSync(home)).toEqual(['settings.json']);
    if (posix) expect(fs.statSync(store.path).mode & 0o777).toBe(0o600);

    const fresh = path.join(home, 'nested', 'home');
    open(fresh).update({ requireToken: true });
    if (posix) expect(fs.statSync(fresh).mode & 0o777).toBe(0o700);
  });

  it('merges objects one level deep and removes keys set to undefined', () => {
    const store = open();
    store.update({
      tunnel: { provider: 'cloudflared', domain: 'keep.example' },
      modelOverrides: { 'bridge-fast': { slug: 'gpt-5.5' }, 'bridge-mini': { effort: 'medium' } },
      idleTimeoutMs: 5,
    });
    expect(store.update({ tunnel: { enabled: true }, modelOverrides: { 'bridge-fast': undefined }, idleTimeoutMs: undefined })).toEqual({
      tunnel: { provider: 'cloudflared', domain: 'keep.example', enabled: true },
      modelOverrides: { 'bridge-mini': { effort: 'medium' } },
    });
  });

  it('reports a bad file naming the file and the field, without crashing', () => {
    const store = open();
    fs.mkdirSync(home);
    const cases: Array<[unknown, string, string]> = [
      [{ requireToken: 'yes' }, 'requireToken', '"requireToken" must be true or false (got "yes")'],
      [{ tunnel: { provider: 'frp' } }, 'tunnel.provider', '"tunnel.provider" must be one of "ngrok", "cloudflared" (got "frp")'],
      [{ allowedOrigins: 'https://a' }, 'allowedOrigins', '"allowedOrigins" must be a list of origin strings'],
      [{ idleTimeoutMs: -1 }, 'idleTimeoutMs', '"idleTimeoutMs" must be a whole number'],
      [{ modelOverrides: { 'bridge-turbo': { slug: 'x' } } }, 'modelOverrides.bridge-turbo', '"modelOverrides.bridge-turbo" is not a bridge alias; known aliases: bridge-pro-medium, '],
      [{ modelOverrides: { 'bridge-fast': { slug: 5 } } }, 'modelOverrides.bridge-fast.slug', '"modelOverrides.bridge-fast.slug" must be a non-empty string (got 5)'],
      [{ modelOverrides: { 'bridge-fast': { efort: 'high' } } }, 'modelOverrides.bridge-fast.efort', 'is not an override field (slug, effort, serviceTier)'],
      [{ modelOverrides: { 'bridge-fast': { serviceTier: 'flex' } } }, 'modelOverrides.bridge-fast.serviceTier', 'must be one of "priority", "default"'],
      [{ historyRetentionDays: 0 }, 'historyRetentionDays', '"historyRetentionDays" must be a whole number of days, 1 or more (got 0)'],
      [{ onUsageLimit: 'retry' }, 'onUsageLimit', '"onUsageLimit" must be "fail" or {"fallback": "<bridge alias>"} (got "retry")'],
      [{ onUsageLimit: { fallback: 'gpt-4o' } }, 'onUsageLimit.fallback', '"onUsageLimit.fallback" is not a bridge alias'],
      [{ claudeModels: { opus: 'gpt-4o' } }, 'claudeModels.opus', '"claudeModels.opus" is not a bridge alias; known aliases: bridge-pro-medium, '],
      [{ claudeModels: { gemini: 'bridge-fast' } }, 'claudeModels.gemini', 'must be one of "opus", "sonnet", "haiku" (got "gemini")'],
    ];
    for (const [content, field, message] of cases) {
      fs.writeFileSync(store.path, JSON.stringify(content));
      const error = thrown(() => store.read());
      expect(error.field).toBe(field);
      expect(error.message).toContain(`Settings file ${store.path}: `);
      expect(error.message).toContain(message);
    }
    fs.writeFileSync(store.path, '{"requireToken": tru');
    expect(thrown(() => store.read()).message).toMatch(new RegExp(`^Settings file ${store.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not valid JSON: `));
    fs.writeFileSync(store.path, '[]');
    expect(thrown(() => store.read()).message).toBe(`Settings file ${store.path}: must hold a JSON object (got [])`);
  });

  it('refuses an invalid update and leaves the file as it was', () => {
    const store = open();
    store.update({ requireToken: true });
    const before = fs.readFileSync(store.path, 'utf8');
    const error = thrown(() => store.update({ modelOverrides: { 'gpt-4o': { slug: 'gpt-5.5' } } }));
    expect(error.message).toContain('Settings update: "modelOverrides.gpt-4o" is not a bridge alias');
    expect(fs.readFileSync(store.path, 'utf8')).toBe(before);
  });

  it('migrates the settings.json earlier bridges wrote: every key kept, the ngrok authtoken moved to a 0600 secret file', () => {
    fs.mkdirSync(home, { mode: 0o700 });
    // Today's file, byte for byte as the hand-written store of 0.5 wrote it (two-space JSON, 0600).
    const before = {
      modelOverrides: { 'bridge-fast': { slug: 'gpt-5.5', effort: 'high' } },
      reasoningSummaries: true,
      requireToken: false,
      allowedOrigins: ['https://cursor.example'],
      tunnel: { provider: 'ngrok', enabled: true, authtoken: '2abcNGROKsecret', domain: 'me.ngrok.app' },
      idleTimeoutMs: 600_000,
      startAtLogin: true,
      historyRetentionDays: 30,
      onUsageLimit: { fallback: 'bridge-mini' },
      futureKey: [1],
    };
    fs.writeFileSync(path.join(home, 'settings.json'), `${JSON.stringify(before, null, 2)}\n`, { mode: 0o600 });
    const store = open();
    const { authtoken: _moved, ...tunnel } = before.tunnel;
    expect(store.read()).toEqual({ ...before, tunnel });
    expect(onDisk(store.path)).toEqual({ ...before, tunnel });
    expect(fs.readFileSync(store.path, 'utf8')).not.toContain('2abcNGROKsecret');
    expect(createSecretStore(home).read('ngrok-authtoken')).toBe('2abcNGROKsecret');
    if (posix) {
      expect(fs.statSync(store.path).mode & 0o777).toBe(0o600);
      expect(fs.statSync(path.join(home, 'ngrok-authtoken')).mode & 0o777).toBe(0o600);
    }
    // Migrated once: a second open finds the layout version and leaves the file alone.
    const text = fs.readFileSync(store.path, 'utf8');
    expect(open().read()).toEqual({ ...before, tunnel });
    expect(fs.readFileSync(store.path, 'utf8')).toBe(text);
  });

  it('reports a file that is not JSON and reads it once it is fixed', () => {
    fs.mkdirSync(home);
    fs.writeFileSync(path.join(home, 'settings.json'), '{"requireToken": tru');
    const store = open();
    expect(thrown(() => store.read()).message).toContain('is not valid JSON');
    fs.writeFileSync(path.join(home, 'settings.json'), '{"requireToken": true}');
    expect(store.read()).toEqual({ requireToken: true });
  });
});
