import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Edits (insert, delete, replace, swap two neighbours) that turn `a` into `b`. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** ` Did you mean "serve"?` for a near miss (a typo, or the start of a longer name), else ''. */
export function didYouMean(word: string, candidates: readonly string[], quote = (name: string) => `"${name}"`): string {
  const scored = candidates
    .map((name) => ({ name, score: name.startsWith(word) && word.length >= 2 ? 0 : distance(word, name) }))
    .filter(({ name, score }) => score <= Math.max(1, Math.floor(name.length / 3)))
    .sort((a, b) => a.score - b.score);
  return scored[0] ? ` Did you mean ${quote(scored[0].name)}?` : '';
}

/**
 * `parseArgs` (strict), with its errors as a user reads them: an unknown flag gets "Did you mean --port?", and
 * Node's hint about positional arguments is left out.
 */
export function parseCliArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, '.');
    const unknown = /^Unknown option '(-{1,2}[^']+)'/.exec(message)?.[1];
    if (unknown === undefined || (error as NodeJS.ErrnoException).code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new Error(message);
    const flags = Object.keys(config.options ?? {});
    const suggestion = didYouMean(unknown.replace(/^-+/, ''), flags, (name) => `--${name}`);
    throw new Error(suggestion ? `${message.replace(/\.?$/, '.')}${suggestion}` : message);
  }
}
