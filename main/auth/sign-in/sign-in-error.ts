/** Why a sign-in or sign-out did not complete; `message` is written for the user and never carries a token. */
export type SignInFailure =
  | 'refused'
  | 'state-mismatch'
  | 'port-busy'
  | 'issuer-error'
  | 'unreachable'
  | 'timeout'
  | 'cancelled'
  | 'device-not-enabled'
  | 'device-expired'
  | 'save-failed';

export class SignInError extends Error {
  constructor(
    readonly reason: SignInFailure,
    message: string,
  ) {
    super(message);
    this.name = 'SignInError';
  }
}

/** The abort reason of a cancelled or timed-out sign-in as a SignInError (AbortSignal.timeout gives a TimeoutError). */
export function abortedSignIn(signal: AbortSignal): SignInError {
  const { reason } = signal;
  if (reason instanceof SignInError) return reason;
  if (reason instanceof Error && reason.name === 'TimeoutError') {
    return new SignInError('timeout', 'Sign-in timed out before ChatGPT answered. Run the sign-in again.');
  }
  return new SignInError('cancelled', 'Sign-in was cancelled.');
}
