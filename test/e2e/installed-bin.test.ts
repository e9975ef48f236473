import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const repo = path.resolve(import.meta.dirname, '../..');

/** The `codex-cursor-bridge` command as npm installs it: bin/ running the compiled out/ tree. */
describe('the installed command', () => {
  beforeAll(() => {
    execFileSync(process.execPath, [path.join(repo, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: repo, stdio: 'pipe' });
  }, 60_000);

  it('runs from the compiled output: version, help, and a usage error with exit 2', () => {
    const bin = path.join(repo, 'bin/codex-cursor-bridge.js');
    const version = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const help = spawnSync(process.execPath, [bin, 'doctor', '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Exit status 0 only when all pass');
    const bad = spawnSync(process.execPath, [bin, '--frobnicate'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('frobnicate');
  });

  it('starts Node through its shebang with the flags `npm run serve` uses (the capped young generation)', () => {
    const bin = path.join(repo, 'bin/codex-cursor-bridge.js');
    const direct = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    expect(direct.status).toBe(0);
    expect(direct.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const serve = (JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.serve!;
    const serveFlags = serve.split(/\s+/).filter((word) => word.startsWith('--'));
    const shebangFlags = readFileSync(bin, 'utf8').split('\n', 1)[0]!.split(/\s+/).filter((word) => word.startsWith('--'));
    expect(serveFlags).toContain('--max-semi-space-size=4');
    expect(shebangFlags).toEqual(serveFlags);
  });
});
