import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './atomic-file.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bridge-atomic-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('replaces a file, giving it the requested mode and leaving no temp file', () => {
    const file = path.join(dir, 'secret');
    fs.writeFileSync(file, 'old', { mode: 0o644 });
    expect(writeFileAtomic(file, 'new')).toBe(true);
    expect(fs.readFileSync(file, 'utf8')).toBe('new');
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dir)).toEqual(['secret']);
  });

  it('with overwrite false, creates a missing file but never replaces an existing one', () => {
    const file = path.join(dir, 'token');
    expect(writeFileAtomic(file, 'first', { overwrite: false })).toBe(true);
    expect(writeFileAtomic(file, 'second', { overwrite: false })).toBe(false);
    expect(fs.readFileSync(file, 'utf8')).toBe('first');
    expect(fs.readdirSync(dir)).toEqual(['token']);
  });

  it('leaves the target untouched and no temp file when the write fails', () => {
    const file = path.join(dir, 'settings.json');
    fs.writeFileSync(file, 'kept');
    fs.mkdirSync(path.join(dir, 'blocker'));
    expect(() => writeFileAtomic(path.join(dir, 'blocker'), 'x')).toThrow();
    expect(fs.readFileSync(file, 'utf8')).toBe('kept');
    expect(fs.readdirSync(dir).sort()).toEqual(['blocker', 'settings.json']);
  });
});
