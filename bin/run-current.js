#!/usr/bin/env node
// `npm run serve` / `npm run cli` in a clone: runs the compiled CLI (out/, as the installed command does) when it is
// at least as new as every source file it is built from, else the sources through tsx (~0.4 s slower to start).
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('../', import.meta.url);
const compiled = new URL('out/main/cli/index.js', root);

/** Newest modification time (ms) of the files `npm run build` compiles the CLI from; 0 when there are none. */
function newestSource() {
  let newest = 0;
  for (const dir of ['main', 'shared']) {
    const base = fileURLToPath(new URL(`${dir}/`, root));
    for (const entry of readdirSync(base, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.test.ts')) continue;
      newest = Math.max(newest, statSync(`${entry.parentPath ?? entry.path}/${entry.name}`).mtimeMs);
    }
  }
  for (const file of ['tsconfig.json', 'tsconfig.build.json']) newest = Math.max(newest, statSync(new URL(file, root)).mtimeMs);
  return newest;
}

function builtAt() {
  try {
    return statSync(compiled).mtimeMs;
  } catch {
    return -1;
  }
}

let entry = compiled;
if (builtAt() < newestSource()) {
  process.stderr.write('(running from source: out/ is older than the sources; `npm run build` makes start-up faster)\n');
  const { register } = await import('tsx/esm/api');
  register();
  entry = new URL('main/cli/index.ts', root);
}
const { runFromProcess } = await import(entry.href);
await runFromProcess();
