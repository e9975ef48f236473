import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFakeBackend, type FakeBackend } from '../../../test/support/fake-backend/server.js';
import { CODEX_CLIENT_ID, CODEX_ORIGINATOR } from '../../config/bridge-config.js';
import { signInWithDevice } from './device-sign-in.js';
import { SignInError } from './sign-in-error.js';

let fake: FakeBackend;
beforeAll(async () => {
  fake = await startFakeBackend();
  fake.issuer.deviceIntervalSec = 0.01;
});
afterAll(() => fake.close());

const client = () => ({ issuer: fake.origin, clientId: CODEX_CLIENT_ID, originator: CODEX_ORIGINATOR });

async function failure(promise: Promise<unknown>): Promise<SignInError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(SignInError);
  return error as SignInError;
}

it('gives up after 15 minutes of pending polls without saving anything', async () => {
  fake.issuer.deviceMode = { kind: 'approve', pendingPolls: 1_000 };
  let t = 0;
  const saved: unknown[] = [];
  const error = await failure(
    signInWithDevice({
      client: client(),
      signal: new AbortController().signal,
      onCode: () => undefined,
      save: async (tokens) => void saved.push(tokens),
      // Each look at the clock is five minutes later: the cap is reached after a few polls instead of 15 real minutes.
      now: () => (t += 5 * 60 * 1000),
    }),
  );
  expect(error.reason).toBe('device-expired');
  expect(error.message).toBe('The sign-in code was not approved within 15 minutes. Run the sign-in again for a new code.');
  expect(saved).toEqual([]);
});

it('stops polling when cancelled', async () => {
  fake.issuer.deviceMode = { kind: 'approve', pendingPolls: 1_000 };
  const cancel = new AbortController();
  const polls = fake.issuer.devicePolls.length;
  const error = await failure(
    signInWithDevice({
      client: client(),
      signal: cancel.signal,
      onCode: () => setTimeout(() => cancel.abort(), 50),
      save: async () => undefined,
    }),
  );
  expect(error).toMatchObject({ reason: 'cancelled', message: 'Sign-in was cancelled.' });
  // A poll already on the wire when the user cancelled may still reach the issuer; none is sent after it.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const after = fake.issuer.devicePolls.length;
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(fake.issuer.devicePolls.length).toBe(after);
  expect(after).toBeGreaterThan(polls);
});
