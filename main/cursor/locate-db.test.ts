import { describe, expect, it } from 'vitest';
import { cursorDbPath } from './locate-db.js';

describe('cursorDbPath', () => {
  it('uses Application Support on macOS', () => {
    expect(cursorDbPath({ platform: 'darwin', env: {}, homedir: '/Users/ann' })).toBe(
      '/Users/ann/Library/Application Support/Cursor/User/globalStorage/state.vscdb',
    );
  });

  it('uses %APPDATA% on Windows, and the roaming profile folder without it', () => {
    expect(cursorDbPath({ platform: 'win32', env: { APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' }, homedir: 'C:\\Users\\ann' })).toBe(
      'C:\\Users\\ann\\AppData\\Roaming\\Cursor\\User\\globalStorage\\state.vscdb',
    );
    expect(cursorDbPath({ platform: 'win32', env: {}, homedir: 'C:\\Users\\ann' })).toBe(
      'C:\\Users\\ann\\AppData\\Roaming\\Cursor\\User\\globalStorage\\state.vscdb',
    );
  });

  it('uses $XDG_CONFIG_HOME on Linux, ~/.config when it is unset or relative', () => {
    expect(cursorDbPath({ platform: 'linux', env: { XDG_CONFIG_HOME: '/data/cfg' }, homedir: '/home/ann' })).toBe(
      '/data/cfg/Cursor/User/globalStorage/state.vscdb',
    );
    expect(cursorDbPath({ platform: 'linux', env: {}, homedir: '/home/ann' })).toBe('/home/ann/.config/Cursor/User/globalStorage/state.vscdb');
    expect(cursorDbPath({ platform: 'linux', env: { XDG_CONFIG_HOME: 'rel/cfg' }, homedir: '/home/ann' })).toBe(
      '/home/ann/.config/Cursor/User/globalStorage/state.vscdb',
    );
  });

  it('lets CODEX_BRIDGE_CURSOR_DB override the default on every OS', () => {
    const env = { CODEX_BRIDGE_CURSOR_DB: '/portable/data/user-data/User/globalStorage/state.vscdb', XDG_CONFIG_HOME: '/x' };
    expect(cursorDbPath({ platform: 'linux', env, homedir: '/home/ann' })).toBe(env.CODEX_BRIDGE_CURSOR_DB);
    expect(cursorDbPath({ platform: 'darwin', env, homedir: '/Users/ann' })).toBe(env.CODEX_BRIDGE_CURSOR_DB);
    expect(cursorDbPath({ platform: 'win32', env: { CODEX_BRIDGE_CURSOR_DB: 'D:\\Cursor\\state.vscdb' }, homedir: 'C:\\Users\\ann' })).toBe(
      'D:\\Cursor\\state.vscdb',
    );
    expect(cursorDbPath({ platform: 'linux', env: { CODEX_BRIDGE_CURSOR_DB: '  ' }, homedir: '/home/ann' })).toBe(
      '/home/ann/.config/Cursor/User/globalStorage/state.vscdb',
    );
  });
});
