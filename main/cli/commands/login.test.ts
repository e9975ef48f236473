import { createServer, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeBackend } from '../../../test/support/fake-backend/server.js';
import { runCommand, useSignInFixture, type RunningCommand } from '../../../test/support/login-runner.js';

const fixture = useSignInFixture();
let fake: FakeBackend;
let authPath: string;
beforeEach(() => {
  ({ fake, authPath } = fixture);
  fake.issuer.deviceIntervalSec = 0.01;
});

function login(args: string[] = [], extra: { ports?: number[]; timeoutMs?: number } = {}): RunningCommand {
  return runCommand(['login', '--no-browser', ...args], {
    env: fixture.env,
    signIn: { callbackPorts: extra.ports ?? [0], ...(extra.timeoutMs !== undefined ? { timeoutMs: extra.timeoutMs } : {}) },
  });
}

/** What a browser does with the printed URL: the issuer redirects to the callback; the page says how it went. */
async function followInBrowser(url: string): Promise<{ status: number; text: string }> {
  const answer = await fetch(url);
  return { status: answer.status, text: await answer.text() };
}

async function authorizeUrl(run: RunningCommand): Promise<string> {
  return run.line(/^http:\/\/.*\/oauth\/authorize\?/);
}

async function loginFile(): Promise<{ tokens: Record<string, string> }> {
  return JSON.parse(await readFile(authPath, 'utf8')) as { tokens: Record<string, string> };
}

describe('login: the browser flow fails cleanly and leaves an existing login untouched', () => {
  let before: Buffer;
  beforeEach(async () => {
    fake.tokens.writeAuthFile(authPath);
    before = await readFile(authPath);
  });
  afterEach(async () => {
    expect((await readFile(authPath)).equals(before)).toBe(true);
  });

  it('refused at the issuer (access_denied)', async () => {
    fake.issuer.authorizeMode = 'deny';
    const run = login();
    const page = await followInBrowser(await authorizeUrl(run));
    expect(page.text).toContain('Sign-in failed');
    expect(await run.exit).toBe(1);
    expect(run.err.join('\n')).toContain('ChatGPT sign-in was refused (access_denied: The user denied the request.)');
    expect(fake.issuer.codeExchanges).toHaveLength(0);
  });

  it('state mismatch: the callback answers 400 and no code is exchanged', async () => {
    fake.issuer.authorizeMode = 'wrong-state';
    const run = login();
    const page = await followInBrowser(await authorizeUrl(run));
    expect(page.status).toBe(400);
    expect(await run.exit).toBe(1);
    expect(run.err.join('\n')).toContain('(state mismatch)');
    expect(fake.issuer.codeExchanges).toHaveLength(0);
  });

  it('the token endpoint answers 500', async () => {
    fake.issuer.failCodeExchanges = 1;
    const run = login();
    const page = await followInBrowser(await authorizeUrl(run));
    expect(page.text).toContain('HTTP 500');
    expect(await run.exit).toBe(1);
    expect(run.err.join('\n')).toContain('could not exchange the sign-in code for tokens (HTTP 500: An error occurred while processing your request.)');
  });

  it('nobody comes back from the browser before the timeout', async () => {
    const run = login([], { timeoutMs: 300 });
    await authorizeUrl(run);
    expect(await run.exit).toBe(1);
    expect(run.err.join('\n')).toContain('Sign-in timed out');
  });

  it('Ctrl-C while waiting for the browser', async () => {
    const run = login();
    const url = await authorizeUrl(run);
    run.interrupt();
    expect(await run.exit).toBe(1);
    expect(run.err.join('\n')).toContain('Sign-in was cancelled.');
    // The callback server is gone with it.
    const callback = new URL(url).searchParams.get('redirect_uri')!;
    await expect(fetch(callback.replace('localhost', '127.0.0.1'))).rejects.toThrow();
  });
});

describe('login: callback ports', () => {
  let blocker: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve())));

  it('falls back to the next port when the first is held by another program', async () => {
    const cancels: string[] = [];
    blocker = createServer((req, res) => {
      cancels.push(req.url ?? '');
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => blocker!.listen(0, '127.0.0.1', resolve));
    const busy = (blocker.address() as AddressInfo).port;
    const run = login([], { ports: [busy, 0] });
    const url = new URL(await authorizeUrl(run));
    const redirect = new URL(url.searchParams.get('redirect_uri')!);
    expect(Number(redirect.port)).not.toBe(busy);
    expect(cancels).toEqual(['/cancel']);
    await followInBrowser(url.href);
    expect(await run.exit).toBe(0);
    expect(fake.tokens.verifyAccess((await loginFile()).tokens.access_token!).ok).toBe(true);
  });

  it('a second sign-in asks the first to cancel (GET /cancel) and takes its port over', async () => {
    const first = login();
    const port = Number(new URL(new URL(await authorizeUrl(first)).searchParams.get('redirect_uri')!).port);
    const second = login([], { ports: [port] });
    expect(await first.exit).toBe(1);
    expect(first.err.join('\n')).toContain('a newer sign-in took over the callback port');
    const url = new URL(await authorizeUrl(second));
    expect(new URL(url.searchParams.get('redirect_uri')!).port).toBe(String(port));
    await followInBrowser(url.href);
    expect(await second.exit).toBe(0);
  });
});

describe('login --device', () => {
  it('prints the page and the code on their own lines, keeps polling while pending, then saves the login', async () => {
    fake.issuer.deviceMode = { kind: 'approve', pendingPolls: 3 };
    const run = login(['--device']);
    expect(await run.line(/\/codex\/device$/)).toBe(`${fake.origin}/codex/device`);
    expect(await run.line(/^[A-Z0-9]{4}-[A-Z0-9]{5}$/)).toBeTruthy();
    expect(await run.exit).toBe(0);
    expect(fake.issuer.devicePolls).toHaveLength(4);
    expect(fake.issuer.codeExchanges[0]).toMatchObject({ grant_type: 'authorization_code', redirect_uri: `${fake.origin}/deviceauth/callback` });
    expect((await stat(authPath)).mode & 0o777).toBe(0o600);
    expect(fake.tokens.verifyAccess((await loginFile()).tokens.access_token!).ok).toBe(true);
  });

  it('an expired code ends with a message, exit 1, and the old login byte-for-byte unchanged', async () => {
    fake.tokens.writeAuthFile(authPath);
    const before = await readFile(authPath);
    fake.issuer.deviceMode = { kind: 'expired', pendingPolls: 2 };
    const run = login(['--device']);
    expect(await run.exit).toBe(1);
    expect(run.err.join('\n')).toContain('The sign-in code expired before it was approved');
    expect((await readFile(authPath)).equals(before)).toBe(true);
  });

  it('says where to turn device sign-in on when the issuer has it off', async () => {
    fake.issuer.deviceMode = { kind: 'not-enabled' };
    const run = login(['--device']);
    expect(await run.exit).toBe(1);
    expect(run.err.join('\n')).toContain('ChatGPT → Settings → Security');
  });
});
