import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFakeBackend, type FakeBackend } from '../../test/support/fake-backend/server.js';
import { resolveConfig } from '../config/bridge-config.js';
import { signIn, type SignInProgress } from './sign-in.js';

let fake: FakeBackend;
let dir: string;
beforeAll(async () => {
  fake = await startFakeBackend();
  dir = await mkdtemp(path.join(os.tmpdir(), 'app-sign-in-'));
});
afterAll(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

const deps = (name: string) => {
  const env = { CODEX_BRIDGE_AUTH_ISSUER: fake.origin, CODEX_AUTH_PATH: path.join(dir, name, 'auth.json') };
  return { config: resolveConfig(env), env, callbackPorts: [0] };
};

it('opens the browser on the authorize URL, reports it, and returns the account it signed in', async () => {
  const events: SignInProgress[] = [];
  const outcome = await signIn('browser', {
    ...deps('browser'),
    onProgress: (event) => events.push(event),
    // What the system browser does: follow the URL to the issuer, which redirects back to the callback.
    openBrowser: async (url) => {
      setTimeout(() => void fetch(url).then((r) => r.text()), 10);
      return true;
    },
  });
  expect(events).toEqual([{ kind: 'authorize-url', url: expect.stringMatching(/\/oauth\/authorize\?response_type=code&client_id=/), opened: true }]);
  expect(outcome).toMatchObject({ ok: true, email: 'dev@example.com', plan: 'pro', authPath: path.join(dir, 'browser', 'auth.json') });
});

it('a Cancel (AbortSignal) ends the wait with a typed outcome', async () => {
  const cancel = new AbortController();
  const outcome = await signIn('browser', { ...deps('cancel'), signal: cancel.signal, onProgress: () => cancel.abort() });
  expect(outcome).toEqual({ ok: false, reason: 'cancelled', message: 'Sign-in was cancelled.' });
});
