/**
 * The device-code sign-in for hosts without a browser (codex-rs/login/src/device_code_auth.rs): get a code, let the
 * user approve it at `{issuer}/codex/device`, poll until approved (15 minutes at most), then the normal code exchange.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { exchangeAuthorizationCode, pollDeviceCode, requestDeviceCode, type IssuerClient, type LoginTokens } from './issuer-client.js';
import { abortedSignIn, SignInError } from './sign-in-error.js';

/** The Codex CLI gives up after 15 minutes. */
export const DEVICE_SIGN_IN_MAX_WAIT_MS = 15 * 60 * 1000;

export interface DeviceCodePrompt {
  userCode: string;
  /** Where the user types the code: `{issuer}/codex/device`. */
  verificationUrl: string;
}

export interface DeviceSignInOptions {
  client: IssuerClient;
  signal: AbortSignal;
  onCode(prompt: DeviceCodePrompt): void;
  save(tokens: LoginTokens): Promise<void>;
  maxWaitMs?: number;
  now?: () => number;
}

export async function signInWithDevice(options: DeviceSignInOptions): Promise<LoginTokens> {
  const { client, signal } = options;
  const now = options.now ?? Date.now;
  const device = await requestDeviceCode(client, signal);
  options.onCode({ userCode: device.userCode, verificationUrl: `${client.issuer}/codex/device` });
  const maxWaitMs = options.maxWaitMs ?? DEVICE_SIGN_IN_MAX_WAIT_MS;
  const deadline = now() + maxWaitMs;
  for (;;) {
    const poll = await pollDeviceCode(client, device, signal);
    if (poll.kind === 'approved') {
      const tokens = await exchangeAuthorizationCode(
        client,
        { code: poll.authorizationCode, redirectUri: `${client.issuer}/deviceauth/callback`, codeVerifier: poll.codeVerifier },
        signal,
      );
      if (signal.aborted) throw abortedSignIn(signal);
      await options.save(tokens);
      return tokens;
    }
    const remaining = deadline - now();
    if (remaining <= 0) {
      throw new SignInError('device-expired', `The sign-in code was not approved within ${Math.ceil(maxWaitMs / 60_000)} minutes. Run the sign-in again for a new code.`);
    }
    try {
      await sleep(Math.min(device.intervalSec * 1000, remaining), undefined, { signal });
    } catch {
      throw abortedSignIn(signal);
    }
  }
}
