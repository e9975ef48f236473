/** PKCE and state exactly as the Codex CLI makes them (codex-rs/login/src/pkce.rs, server.rs). */
import { createHash, randomBytes } from 'node:crypto';

export interface Pkce {
  /** base64url (no padding) of 64 random bytes. */
  verifier: string;
  /** base64url(SHA-256(verifier)), method S256. */
  challenge: string;
}

export function createPkce(): Pkce {
  const verifier = randomBytes(64).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** base64url of 32 random bytes. */
export function randomState(): string {
  return randomBytes(32).toString('base64url');
}
