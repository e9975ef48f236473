import { readFileSync } from 'node:fs';

/** The package version, read once from package.json (two levels up both from source and from out/). */
function readVersion(): string {
  for (const candidate of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(candidate, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'codex-cursor-bridge' && pkg.version) return pkg.version;
    } catch {
      // Try the next location.
    }
  }
  return '0.0.0';
}

export const BRIDGE_VERSION = readVersion();
