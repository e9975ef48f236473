/**
 * bin/run-current.js (`npm run serve` / `npm run cli`): the compiled CLI when out/ is at least as new as every source,
 * else the sources through tsx. Run in a copy of the repo's layout whose two entry points say which one ran.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../..', import.meta.url));
let dir: string;

function write(file: string, text: string, at: Date): void {
  const full = path.join(dir, file);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, text);
  utimesSync(full, at, at);
}

function run(): { stdout: string } {
  const stdout = execFileSync(process.execPath, [path.join(dir, 'bin', 'run-current.js'), 'serve', '--port', '1'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { stdout };
}

const entry = (name: string): string => `export async function runFromProcess() { process.stdout.write('${name} ' + process.argv.slice(2).join(' ')); }\n`;
const earlier = new Date('2026-01-01T00:00:00Z');
const later = new Date('2026-01-02T00:00:00Z');

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'run-current-'));
  mkdirSync(path.join(dir, 'bin'));
  copyFileSync(path.join(repo, 'bin', 'run-current.js'), path.join(dir, 'bin', 'run-current.js'));
  symlinkSync(path.join(repo, 'node_modules'), path.join(dir, 'node_modules'), 'junction');
  write('package.json', '{ "type": "module" }\n', earlier);
  write('tsconfig.json', '{}\n', earlier);
  write('tsconfig.build.json', '{}\n', earlier);
  write('main/cli/index.ts', entry('source'), earlier);
  write('main/cli/index.test.ts', '', earlier);
  write('shared/api.ts', 'export {};\n', earlier);
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('runs the compiled CLI, with the arguments, when out/ is newer than every source', () => {
  write('out/main/cli/index.js', entry('compiled'), later);
  expect(run().stdout).toBe('compiled serve --port 1');
});

it('runs the sources through tsx when a source (in main/ or shared/) or a tsconfig is newer than out/, or out/ is missing', () => {
  expect(run().stdout).toBe('source serve --port 1');
  write('out/main/cli/index.js', entry('compiled'), later);
  write('shared/api.ts', 'export {};\n', new Date('2026-01-03T00:00:00Z'));
  expect(run().stdout).toBe('source serve --port 1');
  write('shared/api.ts', 'export {};\n', earlier);
  write('tsconfig.build.json', '{}\n', new Date('2026-01-03T00:00:00Z'));
  expect(run().stdout).toBe('source serve --port 1');
});

it('ignores test files: a newer test does not make the build stale', () => {
  write('out/main/cli/index.js', entry('compiled'), later);
  write('main/cli/index.test.ts', '', new Date('2026-01-03T00:00:00Z'));
  expect(run().stdout).toBe('compiled serve --port 1');
});
