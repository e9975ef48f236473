import { execFileSync, spawnSync } from 'node:child_process';
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
});
