/**
 * Compiles the bridge and the floor proxies to plain JavaScript, as the product ships (tsc, not a runtime loader).
 * Under `--import tsx` every process also carries tsx's loader thread (~35 MB RSS) and its compile work, which
 * would be charged to the bridge's memory and CPU figures.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const ENTRIES = ['bench/serve-bridge.ts', 'bench/serve-floor.ts', 'bench/serve-undici-floor.ts'];

/** Emits the entries and everything they import under `outDir`; returns the compiled bench folder. */
export async function compileChildren(outDir: string): Promise<string> {
  await mkdir(outDir, { recursive: true });
  const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  // Types are checked by `npm run typecheck`; here only the emit matters (and must not wait for others' edits).
  const flags = ['--ignoreConfig', '--noCheck', '--outDir', outDir, '--rootDir', repoRoot, '--module', 'nodenext', '--moduleResolution', 'nodenext'];
  flags.push('--target', 'es2023', '--types', 'node', '--skipLibCheck', '--verbatimModuleSyntax', '--resolveJsonModule');
  await promisify(execFile)(process.execPath, [tsc, ...flags, ...ENTRIES.map((entry) => path.join(repoRoot, entry))], { cwd: repoRoot });
  // package.json: ESM mode, and the bridge reads its own name and version from it. node_modules: the dependencies.
  await copyFile(path.join(repoRoot, 'package.json'), path.join(outDir, 'package.json'));
  await symlink(path.join(repoRoot, 'node_modules'), path.join(outDir, 'node_modules'), 'junction');
  return path.join(outDir, 'bench');
}
