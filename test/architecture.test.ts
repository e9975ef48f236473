import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(rel));
    else if (/\.tsx?$/.test(entry.name)) out.push(rel);
  }
  return out;
}

/** Runtime imports only: `import type` is erased and cannot start anything. */
function runtimeImports(file: string): string[] {
  const text = readFileSync(path.join(root, file), 'utf8');
  const specs: string[] = [];
  for (const match of text.matchAll(/^\s*(?:import|export)\s+(?!type\b)[^'"]*?from\s+['"]([^'"]+)['"]/gm)) specs.push(match[1]!);
  for (const match of text.matchAll(/(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g)) specs.push(match[1]!);
  for (const match of text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) specs.push(match[1]!);
  return specs;
}

function resolvedFolder(file: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  return path.relative(root, path.resolve(root, path.dirname(file), spec));
}

describe('architecture', () => {
  const mainFiles = sourceFiles('main');

  it('only main/electron/ imports electron', () => {
    const offenders = [...mainFiles, ...sourceFiles('shared')]
      .filter((file) => !file.startsWith(`main${path.sep}electron${path.sep}`))
      .filter((file) => runtimeImports(file).some((spec) => spec === 'electron' || spec.startsWith('electron/') || spec === 'electron-store'));
    expect(offenders).toEqual([]);
  });

  it('translate/ is pure: no I/O modules, no server/ or upstream/ imports', () => {
    const offenders: string[] = [];
    for (const file of mainFiles.filter((f) => f.startsWith(`main${path.sep}translate${path.sep}`) && !f.endsWith('.test.ts'))) {
      for (const spec of runtimeImports(file)) {
        const target = resolvedFolder(file, spec) ?? spec;
        if (/^node:(fs|http|https|net|child_process)/.test(spec) || spec === 'undici' || /^main\/(server|upstream|auth|cli)\//.test(target)) {
          offenders.push(`${file} → ${spec}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it('nothing in main/ imports the CLI, the Electron layer or the test support code', () => {
    const offenders: string[] = [];
    for (const file of mainFiles.filter((f) => !f.endsWith('.test.ts'))) {
      for (const spec of runtimeImports(file)) {
        const target = resolvedFolder(file, spec);
        if (!target) continue;
        const fromCli = file.startsWith(`main${path.sep}cli${path.sep}`);
        const fromElectron = file.startsWith(`main${path.sep}electron${path.sep}`);
        if (target.startsWith('test')) offenders.push(`${file} → ${spec}`);
        if (!fromCli && target.startsWith(`main${path.sep}cli`)) offenders.push(`${file} → ${spec}`);
        if (!fromElectron && target.startsWith(`main${path.sep}electron`)) offenders.push(`${file} → ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
