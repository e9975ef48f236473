import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../fs/atomic-file.js';

/** The bridge's secrets, each in its own file in CODEX_BRIDGE_HOME. */
export type SecretName = 'bridge-token' | 'ngrok-authtoken';

/** Where secrets are kept: sealed with the OS keychain (Electron's safeStorage), or in plain 0600 files. */
export type SecretsStorage = 'os-keychain' | 'file';

/** Electron's safeStorage pair, injected from main/electron where the OS offers it. */
export interface SecretCipher {
  encrypt(text: string): Buffer;
  decrypt(sealed: Buffer): string;
}

export interface SecretStore {
  readonly storage: SecretsStorage;
  /** The secret, or undefined when there is none. Throws SealedSecretError when it is sealed and this process cannot open it. */
  read(name: SecretName): string | undefined;
  /** Stores it (0600, atomically); `overwrite: false` keeps a secret another process wrote first and returns false. */
  write(name: SecretName, value: string, options?: { overwrite?: boolean }): boolean;
  remove(name: SecretName): void;
}

/** A secret only the desktop app can open (sealed by its OS keychain), asked for where there is no keychain. */
export class SealedSecretError extends Error {
  override readonly name = 'SealedSecretError';
}

const SEALED = '.sealed';
const LABELS: Record<SecretName, string> = { 'bridge-token': 'The bridge token', 'ngrok-authtoken': 'The ngrok authtoken' };

function readIfPresent(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Secrets in `home`: `<name>` holds one in plain text (0600), `<name>.sealed` one sealed by the OS keychain. With a
 * cipher a plain secret is sealed on first read (how an existing install moves over); every write leaves one form.
 * The CLI has no keychain access: a secret only the desktop app can open is an error that says what to do.
 */
export function createSecretStore(home: string, cipher?: SecretCipher): SecretStore {
  const plainPath = (name: SecretName): string => path.join(home, name);
  const sealedPath = (name: SecretName): string => path.join(home, `${name}${SEALED}`);

  const store: SecretStore = {
    storage: cipher ? 'os-keychain' : 'file',
    read(name) {
      const sealed = readIfPresent(sealedPath(name));
      if (sealed && cipher) return cipher.decrypt(Buffer.from(sealed.toString('utf8'), 'base64'));
      const plain = readIfPresent(plainPath(name));
      if (plain === undefined) {
        if (sealed) {
          throw new SealedSecretError(
            `${LABELS[name]} is sealed in the OS keychain by the desktop app, which this command cannot open. Copy it from the app's Settings, or set it again here (the file ${plainPath(name)} then holds it).`,
          );
        }
        return undefined;
      }
      const value = plain.toString('utf8').trim();
      if (cipher) store.write(name, value);
      else if (process.platform !== 'win32' && (fs.statSync(plainPath(name)).mode & 0o077) !== 0) fs.chmodSync(plainPath(name), 0o600);
      return value;
    },
    write(name, value, options = {}) {
      const [target, other] = cipher ? [sealedPath(name), plainPath(name)] : [plainPath(name), sealedPath(name)];
      const data = cipher ? `${cipher.encrypt(value).toString('base64')}\n` : `${value}\n`;
      const written = writeFileAtomic(target, data, { overwrite: options.overwrite ?? true });
      if (written) fs.rmSync(other, { force: true });
      return written;
    },
    remove(name) {
      fs.rmSync(plainPath(name), { force: true });
      fs.rmSync(sealedPath(name), { force: true });
    },
  };
  return store;
}
