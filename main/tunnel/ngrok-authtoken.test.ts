import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findNgrokAuthtoken, ngrokConfigPaths, parseNgrokAuthtoken } from './ngrok-authtoken.js';

let home: string;

beforeEach(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'ngrok-home-'));
});

afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

async function writeConfig(relative: string, text: string): Promise<string> {
  const file = path.join(home, relative);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
  return file;
}

const V3 = 'version: "3"\nagent:\n  authtoken: 2abcV3token_xyz\n  connect_timeout: 30s\n';
const V2 = 'authtoken: 1legacyV2token\nregion: eu\nversion: "2"\n';

describe('findNgrokAuthtoken', () => {
  it('prefers the explicit setting, then NGROK_AUTHTOKEN, then the config file', async () => {
    await writeConfig('.config/ngrok/ngrok.yml', V3);
    const env = { NGROK_AUTHTOKEN: 'from-env' };
    const base = { homeDir: home, platform: 'linux' as const };

    expect(await findNgrokAuthtoken({ ...base, env, explicit: 'from-setting' })).toEqual({
      authtoken: 'from-setting',
      source: 'setting',
    });
    expect(await findNgrokAuthtoken({ ...base, env, explicit: '  ' })).toEqual({
      authtoken: 'from-env',
      source: 'NGROK_AUTHTOKEN',
    });
    expect(await findNgrokAuthtoken({ ...base, env: {} })).toEqual({
      authtoken: '2abcV3token_xyz',
      source: path.join(home, '.config/ngrok/ngrok.yml'),
    });
  });

  it('falls back to the legacy ~/.ngrok2 file and reports nothing when no source has a token', async () => {
    const base = { homeDir: home, platform: 'linux' as const, env: {} };
    expect(await findNgrokAuthtoken(base)).toBeUndefined();

    const legacy = await writeConfig('.ngrok2/ngrok.yml', V2);
    expect(await findNgrokAuthtoken(base)).toEqual({ authtoken: '1legacyV2token', source: legacy });

    // The v3 location wins over the legacy one; a v3 file without a token does not hide the legacy one.
    await writeConfig('.config/ngrok/ngrok.yml', 'version: "3"\nagent:\n  region: us\n');
    expect((await findNgrokAuthtoken(base))?.source).toBe(legacy);
    await writeConfig('.config/ngrok/ngrok.yml', V3);
    expect((await findNgrokAuthtoken(base))?.authtoken).toBe('2abcV3token_xyz');
  });

  it('honours XDG_CONFIG_HOME on Linux and Application Support on macOS', async () => {
    const xdg = await writeConfig('xdg/ngrok/ngrok.yml', V3);
    expect(await findNgrokAuthtoken({ homeDir: home, platform: 'linux', env: { XDG_CONFIG_HOME: path.join(home, 'xdg') } }))
      .toEqual({ authtoken: '2abcV3token_xyz', source: xdg });

    const mac = await writeConfig('Library/Application Support/ngrok/ngrok.yml', V2);
    expect(await findNgrokAuthtoken({ homeDir: home, platform: 'darwin', env: {} })).toEqual({
      authtoken: '1legacyV2token',
      source: mac,
    });
  });
});

describe('ngrokConfigPaths', () => {
  it('lists the per-OS agent config locations, then the legacy one', () => {
    expect(ngrokConfigPaths({ LOCALAPPDATA: 'C:\\Users\\me\\AppData\\Local' }, 'C:\\Users\\me', 'win32')).toEqual([
      'C:\\Users\\me\\AppData\\Local\\ngrok\\ngrok.yml',
      'C:\\Users\\me\\.ngrok2\\ngrok.yml',
    ]);
    expect(ngrokConfigPaths({}, 'C:\\Users\\me', 'win32')[0]).toBe('C:\\Users\\me\\AppData\\Local\\ngrok\\ngrok.yml');
    expect(ngrokConfigPaths({}, '/Users/me', 'darwin')).toEqual([
      '/Users/me/Library/Application Support/ngrok/ngrok.yml',
      '/Users/me/.config/ngrok/ngrok.yml',
      '/Users/me/.ngrok2/ngrok.yml',
    ]);
    expect(ngrokConfigPaths({}, '/home/me', 'linux')).toEqual([
      '/home/me/.config/ngrok/ngrok.yml',
      '/home/me/.ngrok2/ngrok.yml',
    ]);
  });
});

describe('parseNgrokAuthtoken', () => {
  it('reads v2 (top level) and v3 (agent.authtoken) files', () => {
    expect(parseNgrokAuthtoken(V2)).toBe('1legacyV2token');
    expect(parseNgrokAuthtoken(V3)).toBe('2abcV3token_xyz');
    expect(parseNgrokAuthtoken('agent:\r\n    api_key: k\r\n    authtoken: crlf_tok\r\n')).toBe('crlf_tok');
  });

  it('unquotes values and drops trailing comments', () => {
    expect(parseNgrokAuthtoken('authtoken: "quoted tok" # mine\n')).toBe('quoted tok');
    expect(parseNgrokAuthtoken("agent:\n  authtoken: 'single'\n")).toBe('single');
    expect(parseNgrokAuthtoken('authtoken: plain_tok   # comment\n')).toBe('plain_tok');
  });

  it('ignores comments, empty values and authtokens that are not the agent one', () => {
    expect(parseNgrokAuthtoken('# authtoken: commented\nversion: "3"\n')).toBeUndefined();
    expect(parseNgrokAuthtoken('authtoken:\nversion: "2"\n')).toBeUndefined();
    const nested = 'version: "3"\nagent:\n  region: us\n  extra:\n    authtoken: nested\nendpoints:\n  - authtoken: no\n';
    expect(parseNgrokAuthtoken(nested)).toBeUndefined();
    expect(parseNgrokAuthtoken('tunnels:\n  authtoken: no\nagent:\n  authtoken: yes\n')).toBe('yes');
  });
});
