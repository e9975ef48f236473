import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { rememberSecret } from '../errors/redact-secrets.js';
import { writeFileAtomic } from '../fs/atomic-file.js';

/**
 * The per-install bearer token clients must present when the bridge requires one (always when it is exposed
 * through a tunnel). `sk-bridge-` makes it recognisable in client settings and secret scanners.
 */
export const BRIDGE_TOKEN_FILE = 'bridge-token';
const PREFIX = 'sk-bridge-';
/** 32 random bytes in unpadded base64url = 43 characters. */
const TOKEN_PATTERN = /^sk-bridge-[A-Za-z0-9_-]{43}$/;

export function bridgeTokenPath(home: string): string {
  return path.join(home, BRIDGE_TOKEN_FILE);
}

export function generateBridgeToken(): string {
  const token = PREFIX + randomBytes(32).toString('base64url');
  rememberSecret(token);
  return token;
}

function readToken(file: string): string | undefined {
  try {
    const token = fs.readFileSync(file, 'utf8').trim();
    if (!TOKEN_PATTERN.test(token)) return undefined;
    rememberSecret(token);
    return token;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * The stored token, creating it on first use. Two processes starting together agree on one token (creation
 * never replaces a file another process just wrote). A file that holds no well-formed token is replaced: such a
 * value cannot be one any client was given. A stored token readable by others is narrowed back to 0600.
 */
export function loadOrCreateBridgeToken(home: string): string {
  const file = bridgeTokenPath(home);
  const stored = readToken(file);
  if (stored !== undefined) {
    if (process.platform !== 'win32' && (fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
    return stored;
  }
  const token = generateBridgeToken();
  const exists = fs.existsSync(file);
  if (writeFileAtomic(file, `${token}\n`, { overwrite: exists })) return token;
  return readToken(file) ?? rotateBridgeToken(home);
}

/** Replaces the token; every client holding the old one is refused from now on. */
export function rotateBridgeToken(home: string): string {
  const token = generateBridgeToken();
  writeFileAtomic(bridgeTokenPath(home), `${token}\n`);
  return token;
}
