import { randomBytes } from 'node:crypto';
import { rememberSecret } from '../errors/redact-secrets.js';
import type { SecretStore } from './secret-store.js';

/**
 * The per-install bearer token clients must present when the bridge requires one (always when it is exposed
 * through a tunnel). `sk-bridge-` makes it recognisable in client settings and secret scanners. It is kept in the
 * secret store (the OS keychain from the desktop app where it has one, else the 0600 file `bridge-token`).
 */
const PREFIX = 'sk-bridge-';
/** 32 random bytes in unpadded base64url = 43 characters. */
const TOKEN_PATTERN = /^sk-bridge-[A-Za-z0-9_-]{43}$/;

/** A new token, known to the log redactor at once (redaction by value, not only by shape). */
export function generateBridgeToken(): string {
  const token = PREFIX + randomBytes(32).toString('base64url');
  rememberSecret(token);
  return token;
}

function readToken(secrets: SecretStore): string | undefined {
  const token = secrets.read('bridge-token');
  if (token === undefined || !TOKEN_PATTERN.test(token)) return undefined;
  rememberSecret(token);
  return token;
}

/**
 * The stored token, creating it on first use. Two processes starting together agree on one token (creation
 * never replaces a file another process just wrote). A stored value that is no well-formed token is replaced: such
 * a value cannot be one any client was given.
 */
export function loadOrCreateBridgeToken(secrets: SecretStore): string {
  const stored = readToken(secrets);
  if (stored !== undefined) return stored;
  const token = generateBridgeToken();
  const malformed = secrets.read('bridge-token') !== undefined;
  if (secrets.write('bridge-token', token, { overwrite: malformed })) return token;
  return readToken(secrets) ?? rotateBridgeToken(secrets);
}

/** Replaces the token; every client holding the old one is refused from now on. */
export function rotateBridgeToken(secrets: SecretStore): string {
  const token = generateBridgeToken();
  secrets.write('bridge-token', token);
  return token;
}
