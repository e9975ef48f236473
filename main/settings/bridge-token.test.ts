import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bridgeTokenPath, loadOrCreateBridgeToken, rotateBridgeToken } from './bridge-token.js';

let home: string;
beforeEach(() => {
  home = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bridge-token-')), 'home');
});
afterEach(() => {
  fs.rmSync(path.dirname(home), { recursive: true, force: true });
});

const posix = process.platform !== 'win32';
const FORMAT = /^sk-bridge-[A-Za-z0-9_-]{43}$/;

describe('bridge token', () => {
  it('is sk-bridge- plus 32 random bytes in base64url, stored 0600 in a 0700 folder', () => {
    const token = loadOrCreateBridgeToken(home);
    expect(token).toMatch(FORMAT);
    expect(Buffer.from(token.slice('sk-bridge-'.length), 'base64url')).toHaveLength(32);
    expect(fs.readFileSync(bridgeTokenPath(home), 'utf8').trim()).toBe(token);
    expect(fs.readdirSync(home)).toEqual(['bridge-token']);
    if (posix) {
      expect(fs.statSync(bridgeTokenPath(home)).mode & 0o777).toBe(0o600);
      expect(fs.statSync(home).mode & 0o777).toBe(0o700);
    }
  });

  it('persists across loads and rotates to a fresh one', () => {
    const first = loadOrCreateBridgeToken(home);
    expect(loadOrCreateBridgeToken(home)).toBe(first);
    const rotated = rotateBridgeToken(home);
    expect(rotated).toMatch(FORMAT);
    expect(rotated).not.toBe(first);
    expect(loadOrCreateBridgeToken(home)).toBe(rotated);
    expect(fs.readdirSync(home)).toEqual(['bridge-token']);
  });

  it('replaces a file holding no well-formed token and narrows a widened mode', () => {
    fs.mkdirSync(home);
    fs.writeFileSync(bridgeTokenPath(home), 'sk-bridge-short\n');
    const token = loadOrCreateBridgeToken(home);
    expect(token).toMatch(FORMAT);
    if (posix) {
      fs.chmodSync(bridgeTokenPath(home), 0o644);
      expect(loadOrCreateBridgeToken(home)).toBe(token);
      expect(fs.statSync(bridgeTokenPath(home)).mode & 0o777).toBe(0o600);
    }
  });
});
