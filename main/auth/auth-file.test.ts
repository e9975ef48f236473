import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../errors/api-error.js';
import { AuthFileReader, loginProblem, readAuthFile, writeAuthFileAtomic } from './auth-file.js';

const fixtures = fileURLToPath(new URL('../../test/fixtures/codex-cli/', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const capturedBefore = readFileSync(path.join(fixtures, '04-auth-before.json'), 'utf8');

let dir: string;
let authPath: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'auth-file-'));
  authPath = path.join(dir, 'auth.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(text: string, mode = 0o600): void {
  writeFileSync(authPath, text, { mode });
  chmodSync(authPath, mode);
}

describe('readAuthFile', () => {
  it('reads a ChatGPT login as the CLI writes it', async () => {
    write(capturedBefore);
    const snapshot = await readAuthFile(authPath);
    expect(snapshot.kind).toBe('chatgpt');
    if (snapshot.kind !== 'chatgpt') return;
    expect(snapshot.file.tokens).toEqual({
      idToken: '<ID_TOKEN>',
      accessToken: '<ACCESS_TOKEN>',
      refreshToken: '<REFRESH_TOKEN>',
      accountId: 'acct-123',
    });
    expect(snapshot.file.lastRefresh).toBe('2026-11-16T22:48:56.000000Z');
    expect(snapshot.file.raw).toEqual(JSON.parse(capturedBefore));
  });

  it('uses the ChatGPT tokens even when an API key is stored too (old files without auth_mode)', async () => {
    write(JSON.stringify({ OPENAI_API_KEY: 'sk-old', tokens: { access_token: 'a', refresh_token: 'r' } }));
    const snapshot = await readAuthFile(authPath);
    expect(snapshot.kind).toBe('chatgpt');
    if (snapshot.kind === 'chatgpt') expect(snapshot.file.tokens.accountId).toBeNull();
  });

  it('recognises an API-key-only login and explains what to do', async () => {
    write(JSON.stringify({ auth_mode: 'apikey', OPENAI_API_KEY: 'sk-secret-key', tokens: null }));
    const snapshot = await readAuthFile(authPath);
    expect(snapshot.kind).toBe('api-key-only');
    const problem = loginProblem(snapshot, authPath);
    expect(problem).toBeInstanceOf(ApiError);
    expect(problem?.status).toBe(401);
    expect(problem?.message).toContain('holds an API key, not a ChatGPT login: sign in with ChatGPT with `codex-cursor-bridge login`');
    expect(problem?.message).not.toContain('sk-secret-key');
  });

  it('reports a missing file with the path and how to sign in', async () => {
    const snapshot = await readAuthFile(authPath);
    expect(snapshot.kind).toBe('missing');
    const problem = loginProblem(snapshot, authPath);
    expect(problem?.status).toBe(401);
    expect(problem?.type).toBe('authentication_error');
    expect(problem?.message).toContain(`No ChatGPT login found at ${authPath}: sign in with \`codex-cursor-bridge login\``);
  });

  it('reports broken JSON without quoting the file (it may hold a token)', async () => {
    write('{"tokens":{"access_token":"eyJSECRET-PART", oops');
    const snapshot = await readAuthFile(authPath);
    expect(snapshot).toMatchObject({ kind: 'unreadable', reason: 'it is not valid JSON' });
    const problem = loginProblem(snapshot, authPath);
    expect(problem?.status).toBe(401);
    expect(problem?.message).toContain('sign in again with `codex-cursor-bridge login`');
    expect(problem?.message).not.toContain('SECRET');
  });

  it.each([
    ['a JSON array', '[1]', 'it is not a JSON object'],
    ['no tokens', '{"OPENAI_API_KEY":null}', 'it holds no ChatGPT tokens'],
    ['tokens without a refresh token', '{"tokens":{"access_token":"a"}}', 'its ChatGPT tokens are incomplete'],
  ])('reports %s as unreadable', async (_, text, reason) => {
    write(text);
    expect(await readAuthFile(authPath)).toMatchObject({ kind: 'unreadable', reason });
  });

  it('reports a directory in place of the file as unreadable', async () => {
    const asDir = path.join(dir, 'sub');
    mkdirSync(asDir);
    expect(await readAuthFile(asDir)).toMatchObject({ kind: 'unreadable', reason: 'cannot read it: EISDIR' });
  });
});

describe('AuthFileReader', () => {
  it('costs only a stat while the file is unchanged', async () => {
    write(capturedBefore);
    const reader = new AuthFileReader(authPath);
    const first = await reader.read();
    expect(await reader.read()).toBe(first);
  });

  it('sees a replaced file at once', async () => {
    write(capturedBefore);
    const reader = new AuthFileReader(authPath);
    await reader.read();
    const replaced = JSON.parse(capturedBefore);
    replaced.tokens.access_token = '<ROTATED>';
    await writeAuthFileAtomic(authPath, replaced);
    const snapshot = await reader.read();
    expect(snapshot.kind === 'chatgpt' && snapshot.file.tokens.accessToken).toBe('<ROTATED>');
  });

  it('sees in-place rewrites of the same size (same inode)', async () => {
    const reader = new AuthFileReader(authPath);
    for (let i = 0; i < 50; i++) {
      const token = `tok-${String(i).padStart(3, '0')}`;
      writeFileSync(authPath, JSON.stringify({ tokens: { access_token: token, refresh_token: 'r' } }));
      const snapshot = await reader.read();
      expect(snapshot.kind === 'chatgpt' && snapshot.file.tokens.accessToken).toBe(token);
    }
  });

  it('follows the file appearing and disappearing', async () => {
    const reader = new AuthFileReader(authPath);
    expect((await reader.read()).kind).toBe('missing');
    write(capturedBefore);
    expect((await reader.read()).kind).toBe('chatgpt');
    rmSync(authPath);
    expect((await reader.read()).kind).toBe('missing');
  });
});

describe('writeAuthFileAtomic', () => {
  it('replaces the file like the CLI: new inode, mode 0600 even from 0644, 2-space JSON, no trailing newline, key order kept', async () => {
    write(capturedBefore, 0o644);
    const inodeBefore = statSync(authPath).ino;
    const contents = JSON.parse(readFileSync(path.join(fixtures, '04-auth-after.json'), 'utf8'));
    await writeAuthFileAtomic(authPath, contents);
    const text = readFileSync(authPath, 'utf8');
    expect(text).toBe(JSON.stringify(contents, null, 2));
    expect(text.endsWith('}')).toBe(true);
    expect(text.split('\n')[1]).toBe('  "auth_mode": "chatgpt",');
    expect(Object.keys(JSON.parse(text))).toEqual(['auth_mode', 'OPENAI_API_KEY', 'tokens', 'last_refresh']);
    expect(statSync(authPath).mode & 0o777).toBe(0o600);
    expect(statSync(authPath).ino).not.toBe(inodeBefore);
    expect(readdirSync(dir)).toEqual(['auth.json']);
  });

  it('creates the file 0600 regardless of the umask', async () => {
    const previous = process.umask(0);
    try {
      await writeAuthFileAtomic(authPath, { a: 1 });
    } finally {
      process.umask(previous);
    }
    expect(statSync(authPath).mode & 0o777).toBe(0o600);
  });

  it('writes through a symlinked auth.json instead of replacing the link', async () => {
    const real = path.join(dir, 'real-auth.json');
    writeFileSync(real, '{}');
    symlinkSync(real, authPath);
    await writeAuthFileAtomic(authPath, { a: 1 });
    expect(readFileSync(real, 'utf8')).toBe('{\n  "a": 1\n}');
    expect(statSync(authPath).isFile()).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['auth.json', 'real-auth.json']);
  });

  it('leaves no temp file behind when the rename fails', async () => {
    // A directory where the file should go makes rename() fail after the temp file was written.
    const blocked = path.join(dir, 'blocked');
    mkdirSync(path.join(blocked, 'child'), { recursive: true });
    await expect(writeAuthFileAtomic(blocked, { a: 1 })).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(['blocked']);
  });

  it('survives SIGKILL at any moment: the file is always the old or a new complete JSON, mode 0600', async () => {
    const moduleUrl = pathToFileURL(path.join(repoRoot, 'main/auth/auth-file.ts')).href;
    // The child rewrites a large file in a loop (a large write widens the window a non-atomic write would expose).
    const child = `
      const { writeAuthFileAtomic } = await import(process.argv[1]);
      const padding = 'x'.repeat(256 * 1024);
      for (let seq = 1; ; seq++) {
        await writeAuthFileAtomic(process.argv[2], { seq, padding, tail: 'end' });
        if (seq === 1) process.stdout.write('ready\\n');
      }`;
    const iterations = 24;
    const lanes = 4;

    async function killOnce(lane: number): Promise<void> {
      const target = path.join(dir, `lane-${lane}`, 'auth.json');
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, JSON.stringify({ seq: 0, padding: 'old', tail: 'end' }), { mode: 0o644 });
      const proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', child, moduleUrl, target], {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const exited = new Promise<NodeJS.Signals | null>((resolve) => proc.on('exit', (_, signal) => resolve(signal)));
      await new Promise<void>((resolve, reject) => {
        proc.stdout.once('data', () => resolve());
        proc.once('exit', () => reject(new Error('writer exited before its first write')));
      });
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 25));
      proc.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');

      const parsed = JSON.parse(readFileSync(target, 'utf8'));
      expect(parsed.seq).toBeGreaterThanOrEqual(1);
      expect(parsed.padding).toHaveLength(256 * 1024);
      expect(parsed.tail).toBe('end');
      expect(statSync(target).mode & 0o777).toBe(0o600);
    }

    await Promise.all(
      Array.from({ length: lanes }, async (_, lane) => {
        for (let i = 0; i < iterations / lanes; i++) await killOnce(lane);
      }),
    );
  }, 30_000);
});
