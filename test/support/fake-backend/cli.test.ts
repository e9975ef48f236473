import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { classicBody, send } from './test-helpers.js';
import type { AuthDotJson } from './tokens.js';

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../../../', import.meta.url));

describe('fake backend CLI', () => {
  let dir: string | undefined;
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child?.exitCode === null) child.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves, writes an accepted auth.json, prints the bridge env and stops on SIGTERM', async () => {
    dir = mkdtempSync(join(tmpdir(), 'fake-cli-'));
    const authPath = join(dir, 'codex', 'auth.json');
    const proc = spawn(process.execPath, ['--import', 'tsx', CLI, '--port', '0', '--write-auth', authPath, '--expires-in', '600'], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    const env = await new Promise<Record<string, string>>((resolve, reject) => {
      let out = '';
      proc.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('CODEX_AUTH_PATH=')) {
          resolve(Object.fromEntries(out.split('\n').filter((l) => /^[A-Z_]+=/.test(l)).map((l) => l.split(/=(.*)/s).slice(0, 2))));
        }
      });
      proc.on('exit', () => reject(new Error(`cli exited early: ${out}`)));
    });
    expect(env.CODEX_AUTH_PATH).toBe(authPath);
    expect(env.CODEX_BRIDGE_UPSTREAM).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/backend-api$/);
    expect(env.CODEX_REFRESH_TOKEN_URL_OVERRIDE).toBe(env.CODEX_BRIDGE_UPSTREAM!.replace('/backend-api', '/oauth/token'));
    expect(statSync(authPath).mode & 0o777).toBe(0o600);

    const auth = JSON.parse(readFileSync(authPath, 'utf8')) as AuthDotJson;
    const answer = await send(`${env.CODEX_BRIDGE_UPSTREAM}/codex/responses`, 'POST', JSON.stringify(classicBody()), {
      authorization: `Bearer ${auth.tokens.access_token}`,
      'chatgpt-account-id': auth.tokens.account_id,
      'content-type': 'application/json',
    });
    expect(answer.status).toBe(200);

    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it.each([[['--port', 'abc']], [['--bogus']], [['--expires-in', '5']]])('exits 2 on bad flags %j', (args) => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: REPO, encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('usage:');
  });
});
