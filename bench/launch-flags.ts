import { readFileSync } from 'node:fs';

/**
 * The Node flags `npm run serve` starts the bridge with (e.g. a smaller young generation): the bench runs its bridge
 * child the same way, so the figures describe the bridge as users launch it.
 */
export function serveNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts?: Record<string, string> };
  const words = (pkg.scripts?.serve ?? '').split(/\s+/);
  const flags: string[] = [];
  for (const word of words.slice(words.indexOf('node') + 1)) {
    if (word === '--import' || !word.startsWith('--')) break;
    flags.push(word);
  }
  return flags;
}
