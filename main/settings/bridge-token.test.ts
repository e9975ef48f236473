import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeSafeStorage } from '../../test/support/fake-electron.js';
import { loadOrCreateBridgeToken, rotateBridgeToken } from './bridge-token.js';
import { createSecretStore, type SecretCipher } from './secret-store.js';

let home: string;
beforeEach(() => {
  home = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bridge-token-')), 'home');
});
afterEach(() => {
  fs.rmSync(path.dirname(home), { recursive: true, force: true });
});

const posix = process.platform !== 'win32';
const FORMAT = /^sk-bridge-[A-Za-z0-9_-]{43}$/;
const tokenFile = (): string => path.join(home, 'bridge-token');
const keychain = (): SecretCipher => {
  const safeStorage = new FakeSafeStorage();
  return { encrypt: (text) => safeStorage.encryptString(text), decrypt: (sealed) => safeStorage.decryptString(sealed) };
};

describe('bridge token', () => {
  it('is sk-bridge- plus 32 random bytes in base64url, stored 0600 in a 0700 folder', () => {
    const token = loadOrCreateBridgeToken(createSecretStore(home));
    expect(token).toMatch(FORMAT);
    expect(Buffer.from(token.slice('sk-bridge-'.length), 'base64url')).toHaveLength(32);
    expect(fs.readFileSync(tokenFile(), 'utf8').trim()).toBe(token);
    expect(fs.readdirSync(home)).toEqual(['bridge-token']);
    if (posix) {
      expect(fs.statSync(tokenFile()).mode & 0o777).toBe(0o600);
      expect(fs.statSync(home).mode & 0o777).toBe(0o700);
    }
  });

  it('persists across loads and rotates to a fresh one', () => {
    const secrets = createSecretStore(home);
    const first = loadOrCreateBridgeToken(secrets);
    expect(loadOrCreateBridgeToken(secrets)).toBe(first);
    const rotated = rotateBridgeToken(secrets);
    expect(rotated).toMatch(FORMAT);
    expect(rotated).not.toBe(first);
    expect(loadOrCreateBridgeToken(secrets)).toBe(rotated);
    expect(fs.readdirSync(home)).toEqual(['bridge-token']);
  });

  it('replaces a file holding no well-formed token and narrows a widened mode', () => {
    fs.mkdirSync(home);
    fs.writeFileSync(tokenFile(), 'sk-bridge-short\n');
    const token = loadOrCreateBridgeToken(createSecretStore(home));
    expect(token).toMatch(FORMAT);
    if (posix) {
      fs.chmodSync(tokenFile(), 0o644);
      expect(loadOrCreateBridgeToken(createSecretStore(home))).toBe(token);
      expect(fs.statSync(tokenFile()).mode & 0o777).toBe(0o600);
    }
  });

  it('with the OS keychain: an existing plain token is sealed on first read, never left in plain text', () => {
    const plain = loadOrCreateBridgeToken(createSecretStore(home));
    const sealedStore = createSecretStore(home, keychain());
    expect(sealedStore.storage).toBe('os-keychain');
    expect(loadOrCreateBridgeToken(sealedStore)).toBe(plain);
    expect(fs.readdirSync(home)).toEqual(['bridge-token.sealed']);
    expect(fs.readFileSync(path.join(home, 'bridge-token.sealed'), 'utf8')).not.toContain(plain.slice(10));
    if (posix) expect(fs.statSync(path.join(home, 'bridge-token.sealed')).mode & 0o777).toBe(0o600);
    expect(loadOrCreateBridgeToken(createSecretStore(home, keychain()))).toBe(plain);
  });

  it('without the keychain (the CLI), a sealed token is an error that says what to do; a rotation there takes over', () => {
    const sealed = loadOrCreateBridgeToken(createSecretStore(home, keychain()));
    const cli = createSecretStore(home);
    expect(cli.storage).toBe('file');
    expect(() => loadOrCreateBridgeToken(cli)).toThrow(/The bridge token is sealed in the OS keychain by the desktop app.*Copy it from the app's Settings/);
    const rotated = rotateBridgeToken(cli);
    expect(fs.readdirSync(home)).toEqual(['bridge-token']);
    expect(loadOrCreateBridgeToken(createSecretStore(home, keychain()))).toBe(rotated);
    expect(rotated).not.toBe(sealed);
  });
});
