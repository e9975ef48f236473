import { spawn } from 'node:child_process';
import { chmod, mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFakeBackend, type FakeBackend } from '../../test/support/fake-backend/server.js';
import { runCli } from './index.js';
import { openHistoryStore, type HistoryStore } from '../history/history-store.js';
import { whenText } from '../../shared/time-text.js';
import { freePort } from '../../test/support/free-port.js';
import { request } from 'undici';
import { startServe } from '../../test/support/cli-runner.js';
import { FakeTunnelProvider } from '../../test/support/fake-tunnel.js';

const repo = path.resolve(import.meta.dirname, '../..');
let fake: FakeBackend;
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'bridge-cli-'));
  fake = await startFakeBackend();
  await fake.tokens.writeAuthFile(path.join(dir, 'auth.json'));
  env = {
    PATH: process.env.PATH,
    HOME: dir,
    CODEX_BRIDGE_UPSTREAM: fake.baseUrl,
    CODEX_REFRESH_TOKEN_URL_OVERRIDE: fake.tokenUrl,
    CODEX_AUTH_PATH: path.join(dir, 'auth.json'),
    CODEX_BRIDGE_HOME: path.join(dir, 'home'),
  };
});
afterAll(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  out: string;
  err: string;
}

/** Runs a subcommand in-process; `stop` resolves the stop signal (Ctrl-C) for long-running commands. */
function run(argv: string[], extraEnv: NodeJS.ProcessEnv = {}, stop: Promise<string> = new Promise(() => {})): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  return runCli(argv, { env: { ...env, ...extraEnv }, stdout: (t) => out.push(t), stderr: (t) => err.push(t), stopSignal: stop }).then((code) => ({
    code,
    out: out.join('\n'),
    err: err.join('\n'),
  }));
}

describe('flags', () => {
  it('prints help and the version with exit 0', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('configure-cursor');
    const serveHelp = await run(['serve', '-h']);
    expect(serveHelp.out).toContain('--auth-path');
    const version = await run(['-v']);
    expect(version.out).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it.each([
    [['--bogus'], 'bogus'],
    [['serve', '--port', 'abc'], '--port'],
    [['--port', '70000'], '--port'],
    [['--tunnel', '--no-tunnel'], 'contradict'],
    [['frobnicate'], 'unknown command'],
    [['serv'], 'unknown command "serv". Did you mean "serve"?'],
    [['doctr'], 'Did you mean "doctor"?'],
    [['--prot', '7711'], "Unknown option '--prot'. Did you mean --port?"],
    [['token', '--rotat'], "Unknown option '--rotat'. Did you mean --rotate?"],
    [['help', 'configure'], 'Did you mean "configure-cursor"?'],
    [['token', '--nope'], 'nope'],
  ])('refuses %j with exit 2 and a clear message', async (argv, needle) => {
    const result = await run(argv);
    expect(result.code).toBe(2);
    expect(result.err).toContain(needle);
    expect(result.err).not.toMatch(/\n\s+at /);
  });

  it('`help` is the overview and `help <command>` that command\'s flags, with exit 0', async () => {
    const help = await run(['help']);
    expect(help).toMatchObject({ code: 0, err: '' });
    expect(help.out).toContain('codex-cursor-bridge help [command]');
    const serveHelp = await run(['help', 'serve']);
    expect(serveHelp.code).toBe(0);
    expect(serveHelp.out).toContain('--require-token');
    expect((await run(['help', 'token'])).out).toContain('a running bridge refuses the old one within a second');
  });

  it('refuses a bad CODEX_BRIDGE_PORT with exit 2', async () => {
    const result = await run([], { CODEX_BRIDGE_PORT: 'eighty' });
    expect(result.code).toBe(2);
    expect(result.err).toContain('CODEX_BRIDGE_PORT');
  });
});

describe('serve', () => {
  it('with no login on a terminal, asks "Sign in with ChatGPT now?" and signs in through the browser; without one, names the command', async () => {
    const signedOut = { ...env, CODEX_AUTH_PATH: path.join(dir, 'later', 'auth.json'), CODEX_BRIDGE_AUTH_ISSUER: fake.origin, PATH: '/nonexistent' };
    const questions: string[] = [];
    const opened: string[] = [];
    const serve = await startServe(['--no-setup'], {
      env: signedOut,
      ask: async (question) => (questions.push(question), ''),
      openBrowser: async (url) => {
        opened.push(url);
        void fetch(url).then((answer) => answer.text());
        return true;
      },
      signIn: { callbackPorts: [0] },
    });
    serve.stop('SIGINT');
    expect(await serve.exit).toBe(0);
    const out = serve.out.join('\n');
    expect(questions).toEqual(['Sign in with ChatGPT now? [Y/n] ']);
    expect(out).toContain(`Opened your browser to sign in with ChatGPT. If it did not open, visit:\n${opened[0]}`);
    expect(out).toContain('Signed in with ChatGPT (dev@example.com, Pro)');
    expect(out).toMatch(/login: +dev@example\.com/);

    const headless = await startServe(['--no-setup'], { env: { ...signedOut, CODEX_AUTH_PATH: path.join(dir, 'never', 'auth.json') } });
    headless.stop('SIGINT');
    expect(await headless.exit).toBe(0);
    expect(headless.out).toContain('Not signed in with ChatGPT: run `codex-cursor-bridge login` (or `codex-cursor-bridge login --device` on a host without a browser).');
  });

  it('prints the card, serves, logs one line per request and stops cleanly on the stop signal', async () => {
    const serve = await startServe([], { env: { ...env, PATH: '/nonexistent' } });
    const answer = await fetch(`http://127.0.0.1:${serve.port}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'bridge-mini', messages: [{ role: 'user', content: 'cli' }] }),
    });
    expect(answer.status).toBe(200);
    await until(() => serve.out.some((line) => line.includes('POST /v1/chat/completions')));
    serve.stop('SIGINT');
    expect(await serve.exit).toBe(0);
    const out = serve.out.join('\n');
    expect(out).toMatch(/bridge-pro-high\s+→ gpt-6\.2-astra/);
    expect(out).toContain('dev@example.com');
    // One time format: local time and how far away, never ISO UTC.
    expect(out).toMatch(/access token valid until \d\d:\d\d( on \d+ [A-Z][a-z]{2})? \(in \d+ min\)/);
    expect(out).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:/);
    expect(out).toMatch(/POST \/v1\/chat\/completions 200 \d+ms bridge-mini→\S+ msgs=1 tools=0/);
    // --setup (the default) runs the prerequisite checks; a missing Codex CLI is no longer one (the bridge signs in itself).
    expect(out).not.toContain('setup: Codex CLI');
    expect(out).not.toContain('WARNING');
  });

  it('--require-token and --auth-path: the token is required on /v1/*, the other login is used', async () => {
    const other = path.join(dir, 'other-auth.json');
    await fake.tokens.writeAuthFile(other, { email: 'other@example.com', plan: 'plus' });
    const serve = await startServe(['--require-token', '-a', other, '--no-setup'], { env });
    const url = `http://127.0.0.1:${serve.port}/v1/models`;
    expect((await fetch(url)).status).toBe(401);
    const token = (await run(['token'])).out;
    expect((await fetch(url, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    serve.stop();
    expect(await serve.exit).toBe(0);
    const out = serve.out.join('\n');
    expect(out).toContain('other@example.com (ChatGPT Plus)');
    expect(out).toContain(`API key:  ${token}`);
    // Claude Code is started against the base URL without /v1, with the token the bridge requires.
    expect(out).toContain(`  ANTHROPIC_BASE_URL=http://127.0.0.1:${serve.port} ANTHROPIC_AUTH_TOKEN=${token} claude`);
  });

  it('bound to another address without a token: warns loudly, and answers to that address as its Host', async () => {
    const serve = await startServe(['--host', '127.0.0.2', '--no-setup'], { env });
    const answer = await request(`http://127.0.0.2:${serve.port}/healthz`);
    expect(answer.statusCode).toBe(200);
    await answer.body.dump();
    serve.stop();
    expect(await serve.exit).toBe(0);
    expect(serve.out.join('\n')).toMatch(/WARNING: Listening on 127\.0\.0\.2 without a token/);
  });

  it('--setup names what is missing without refusing to serve; --no-setup skips the checks', async () => {
    const noLogin = { CODEX_AUTH_PATH: path.join(dir, 'no-login.json') };
    const checked = await run(['--port', '0'], noLogin, Promise.resolve('SIGINT'));
    expect(checked.code).toBe(0);
    expect(checked.out).toMatch(/setup: Codex login \(auth\.json\): No ChatGPT login found .*→ Sign in with `codex-cursor-bridge login`/);
    const { code, out } = await run(['--port', '0', '--no-setup'], noLogin, Promise.resolve('SIGINT'));
    expect(code).toBe(0);
    expect(out).toContain('Requests:');
    expect(out).not.toContain('setup:');
  });

  it('says clearly when the port is in use (exit 1, no stack trace)', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      const result = await run(['-p', String(port)]);
      expect(result.code).toBe(1);
      expect(result.err).toContain(`Port 127.0.0.1:${port} is already in use (another bridge?). Stop it, or pick another port with --port.`);
      expect(result.err).not.toMatch(/\n\s+at /);
    } finally {
      blocker.close();
    }
  });

  it('as a real process: exits 0 on SIGTERM after finishing', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', 'serve', '-p', '0', '--no-setup'], { cwd: repo, env: { ...env } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    for (let i = 0; i < 200 && !out.includes('Requests:'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(out).toContain('Requests:');
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    expect(out).toContain('SIGTERM');
  }, 20_000);
});

describe('token', () => {
  it('prints a stable sk-bridge- token and replaces it with --rotate', async () => {
    const first = await run(['token']);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/^sk-bridge-[A-Za-z0-9_-]{43,}$/);
    expect((await run(['token'])).out).toBe(first.out);
    const rotated = await run(['token', '--rotate']);
    expect(rotated.out).toMatch(/^sk-bridge-/);
    expect(rotated.out).not.toBe(first.out);
    expect((await readFile(path.join(dir, 'home', 'bridge-token'), 'utf8')).trim()).toBe(rotated.out);
  });
});

describe('token --rotate while a bridge runs', () => {
  it('the running bridge refuses the old token within a second, as the rotation says', async () => {
    const home = path.join(dir, 'rotate-home');
    await whileServing(['--require-token', '--no-setup'], { env: { ...env, CODEX_BRIDGE_HOME: home } }, async (serve) => {
      const old = (await run(['token'], { CODEX_BRIDGE_HOME: home })).out;
      const models = (key: string) => fetch(`http://127.0.0.1:${serve.port}/v1/models`, { headers: { authorization: `Bearer ${key}` } }).then((r) => r.status);
      expect(await models(old)).toBe(200);
      const rotated = await run(['token', '--rotate'], { CODEX_BRIDGE_HOME: home });
      expect(rotated.err).toBe('The bridge token was replaced; a bridge already running refuses the old one within a second.');
      await vi.waitFor(async () => expect(await models(old)).toBe(401), { timeout: 3_000 });
      expect(await models(rotated.out)).toBe(200);
    });
  });
});

describe('serve: notices', () => {
  it('prints a notice line when the tunnel goes down after the card, and the tunnel line when it is back', async () => {
    const tunnel = new FakeTunnelProvider();
    await whileServing(['--tunnel', '--no-setup'], { env: { ...env, CODEX_BRIDGE_HOME: path.join(dir, 'notice-home') }, tunnelProvider: tunnel }, async (serve) => {
      const first = tunnel.publicUrl;
      await tunnel.drop('connection reset by peer');
      await until(() => serve.out.some((line) => line.startsWith('! Public tunnel down: Public tunnel (fake): reconnecting… (connection reset by peer)')));
      await until(() => serve.out.includes(`! Public URL changed: Clients now reach the bridge at ${tunnel.publicUrl}/v1.`));
      expect(tunnel.publicUrl).not.toBe(first);
      expect(serve.out).toContain(`Public tunnel (fake): ${tunnel.publicUrl}/v1`);
    });
  });
});

describe('serve --tunnel when the tunnel fails', () => {
  it('never says "start with --tunnel", words the failure in sentences, and stops requiring the token', async () => {
    const tunnel = new FakeTunnelProvider();
    tunnel.failNextStarts(1, 'ngrok refused the authtoken', { retryable: false });
    await whileServing(['--tunnel', '--no-setup'], { env: { ...env, CODEX_BRIDGE_HOME: path.join(dir, 'tunnel-home') }, tunnelProvider: tunnel }, async (serve) => {
      const out = serve.out.join('\n');
      expect(out).not.toContain('start with --tunnel');
      expect(out).toContain('Cursor needs the public tunnel, which is not online yet (see below).');
      expect(out).toContain('Public tunnel (fake) failed: ngrok refused the authtoken. fake hint');
      expect(out).toContain('  API key:  any non-empty string');
      expect((await fetch(`http://127.0.0.1:${serve.port}/v1/models`)).status).toBe(200);
    });
  });
});

describe('doctor', () => {
  it('on the port of a running bridge: asks its /healthz and passes', async () => {
    await whileServing(['--no-setup'], { env }, async (serve) => {
      const result = await run(['doctor', '-p', String(serve.port)]);
      expect(result.out).toMatch(new RegExp(`ok\\s+Port 127\\.0\\.0\\.1:${serve.port}: the bridge \\d+\\.\\d+\\.\\d+ is running here`));
      expect(result.out).not.toContain('already in use');
    });
  });

  it('on a port another program holds: fails and says so', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      const result = await run(['doctor', '-p', String(port)]);
      expect(result.code).toBe(1);
      expect(result.out).toContain(`FAIL  Port 127.0.0.1:${port}: already in use by another program`);
    } finally {
      blocker.close();
    }
  });

  it('passes every check with a login, the codex CLI on PATH, a reachable backend and a free port', async () => {
    const bin = path.join(dir, 'bin');
    await mkdir(bin, { recursive: true });
    await writeFile(path.join(bin, 'codex'), '#!/bin/sh\necho codex-cli 0.171.0\n');
    await chmod(path.join(bin, 'codex'), 0o755);
    const result = await run(['doctor', '-p', String(await freePort())], { PATH: `${bin}${path.delimiter}${env.PATH}` });
    expect(result.out).toContain('All checks passed.');
    expect(result.out).toContain('Pro');
    expect(result.out).toMatch(/ok\s+Access token: valid until \d\d:\d\d( on \d+ [A-Z][a-z]{2})? \(in \d+ min\)/);
    expect(result.out).toMatch(/ok\s+Usage limits: 5h window 10 % used, resets \d\d:\d\d.*; weekly window 5 % used/);
    expect(result.code).toBe(0);
  });

  it('prints where each limit window is heading, from the recorded readings', async () => {
    const home = path.join(dir, 'forecast-home');
    const store = openHistoryStore(home) as HistoryStore;
    const now = Date.now();
    const minute = 60_000;
    const reading = (minutesAgo: number, usedPercent: number) => ({ at: now - minutesAgo * minute, window: 'primary' as const, windowMinutes: 300, usedPercent, resetsAt: now + 240 * minute });
    // 10 % → 30 % over the last 40 minutes: 0.5 %/min, 70 % left → 140 minutes from now, before the reset in 240.
    store.write({ requests: [], limits: [reading(40, 10), reading(20, 20), reading(0, 30), { at: now, window: 'secondary', windowMinutes: 10080, usedPercent: 5 }] });
    store.close();
    const result = await run(['doctor', '-p', String(await freePort())], { CODEX_BRIDGE_HOME: home });
    expect(result.out).toMatch(new RegExp(`Usage limits: .*\\n\\s+at this pace the 5h window runs out at ${whenText(now + 140 * minute, Date.now()).replace(/[()]/g, '\\$&')}\\n`));
  });

  it('fails on a reached usage limit and says when it resets', async () => {
    fake.rateLimits.primaryUsedPercent = 100;
    try {
      const result = await run(['doctor', '-p', String(await freePort())]);
      expect(result.code).toBe(1);
      expect(result.out).toMatch(/FAIL\s+Usage limits: limit reached: 5h window 100 % used, resets \d\d:\d\d/);
      expect(result.out).toMatch(/→ Requests fail until \d\d:\d\d.*; wait, or buy credits at https:\/\/chatgpt\.com\/codex\/settings\/usage\./);
    } finally {
      fake.rateLimits.primaryUsedPercent = 10;
    }
  });

  it('fails with the fix for no login; a missing Codex CLI is only a note', async () => {
    const result = await run(['doctor', '-p', String(await freePort())], { PATH: '/nonexistent', CODEX_AUTH_PATH: path.join(dir, 'missing.json') });
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/ok\s+Codex CLI: not installed \(not needed: the bridge signs in with `codex-cursor-bridge login`\)/);
    expect(result.out).toMatch(/FAIL\s+Codex login/);
    expect(result.out).toContain('→ Sign in with `codex-cursor-bridge login`');
  });

  it('reports a refresh token the backend refuses (already used) with the fix, in the token check', async () => {
    const expired = path.join(dir, 'expired-auth.json');
    await fake.tokens.writeAuthFile(expired, { expiresInSec: -60 });
    fake.tokens.failNextRefresh('refresh_token_reused', 3);
    try {
      const result = await run(['doctor', '-p', String(await freePort())], { CODEX_AUTH_PATH: expired });
      expect(result.code).toBe(1);
      expect(result.out).toMatch(/FAIL\s+Access token: .*already used/);
      expect(result.out).toContain('Sign in again with `codex-cursor-bridge login`.');
    } finally {
      fake.tokens.reset();
    }
  });

  it('explains an API-key-only auth.json instead of crashing', async () => {
    const apiKeyOnly = path.join(dir, 'apikey.json');
    await writeFile(apiKeyOnly, JSON.stringify({ OPENAI_API_KEY: 'sk-test-123', tokens: null }));
    const result = await run(['doctor'], { CODEX_AUTH_PATH: apiKeyOnly });
    expect(result.code).toBe(1);
    expect(result.out).toContain('Sign in with ChatGPT');
    expect(result.out).not.toContain('sk-test-123');
  });
});

/** Runs `check` against a running `serve`, which is stopped afterwards whatever happened. */
async function whileServing(argv: string[], ctx: Parameters<typeof startServe>[1], check: (serve: Awaited<ReturnType<typeof startServe>>) => Promise<void>): Promise<void> {
  const serve = await startServe(argv, ctx);
  try {
    await check(serve);
  } finally {
    serve.stop();
    await serve.exit;
  }
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}
