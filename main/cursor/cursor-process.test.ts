import { describe, expect, it } from 'vitest';
import { listingShowsCursor, systemProcessProbe, type CommandRunner } from './cursor-process.js';
import { CursorConfigError } from './errors.js';

const MAC_HELPERS = [
  '/Applications/Cursor.app/Contents/Frameworks/Cursor Helper (Renderer).app/Contents/MacOS/Cursor Helper (Renderer) --type=renderer',
  '/Applications/Cursor.app/Contents/Frameworks/Cursor Helper (GPU).app/Contents/MacOS/Cursor Helper (GPU) --type=gpu-process',
  '/usr/local/bin/cursor-agent chat',
].join('\n');

const LINUX_OTHERS = [
  '/usr/share/cursor/cursor --type=zygote --no-sandbox',
  '/usr/share/cursor/cursor --type=renderer --enable-crash-reporter',
  '/home/ann/.cursor-server/bin/abc/node /home/ann/.cursor-server/bin/abc/out/server-main.js',
  '/home/ann/.local/bin/cursor-agent',
  'vim /home/ann/notes/cursor.txt',
].join('\n');

describe('listingShowsCursor', () => {
  it('finds the macOS main binary and ignores helpers and cursor-agent', () => {
    expect(listingShowsCursor('darwin', MAC_HELPERS)).toBe(false);
    expect(listingShowsCursor('darwin', `${MAC_HELPERS}\n/Applications/Cursor.app/Contents/MacOS/Cursor`)).toBe(true);
    expect(listingShowsCursor('darwin', '/Users/ann/Applications/Cursor.app/Contents/MacOS/Cursor -psn_0_1234')).toBe(true);
  });

  it('finds the Linux main process (deb, tarball, AppImage) but not Electron children, the server or the agent', () => {
    expect(listingShowsCursor('linux', LINUX_OTHERS)).toBe(false);
    expect(listingShowsCursor('linux', `${LINUX_OTHERS}\n/usr/share/cursor/cursor --no-sandbox`)).toBe(true);
    expect(listingShowsCursor('linux', '/opt/cursor/cursor')).toBe(true);
    expect(listingShowsCursor('linux', '  /tmp/.mount_CursorAb12/usr/share/cursor/cursor /home/ann/project')).toBe(true);
  });

  it('reads tasklist CSV on Windows, matching the image name exactly', () => {
    expect(listingShowsCursor('win32', 'INFO: No tasks are running which match the specified criteria.\r\n')).toBe(false);
    expect(listingShowsCursor('win32', '"Cursor.exe","1234","Console","1","150,000 K"\r\n')).toBe(true);
    expect(listingShowsCursor('win32', '"CursorHelper.exe","1234","Console","1","1 K"\r\n')).toBe(false);
  });
});

describe('systemProcessProbe', () => {
  it('runs ps on macOS and Linux and tasklist on Windows', async () => {
    const calls: string[] = [];
    const runner =
      (output: string): CommandRunner =>
      async (file, args) => {
        calls.push([file, ...args].join(' '));
        return output;
      };
    expect(await systemProcessProbe('linux', runner('/opt/cursor/cursor\n')).isCursorRunning()).toBe(true);
    expect(await systemProcessProbe('darwin', runner('/sbin/launchd\n')).isCursorRunning()).toBe(false);
    expect(await systemProcessProbe('win32', runner('"Cursor.exe","1","Console","1","1 K"')).isCursorRunning()).toBe(true);
    expect(calls).toEqual(['ps -A -o args=', 'ps -A -o args=', 'tasklist /NH /FO CSV /FI IMAGENAME eq Cursor.exe']);
  });

  it('reports a failed listing as an error, never as "not running"', async () => {
    const failing: CommandRunner = async () => {
      throw new Error('spawn ps ENOENT');
    };
    const probe = systemProcessProbe('linux', failing);
    await expect(probe.isCursorRunning()).rejects.toThrow(CursorConfigError);
    await expect(probe.isCursorRunning()).rejects.toThrow(/spawn ps ENOENT/);
  });

  it('runs against the real process table of this machine', async () => {
    // Proves the command and its flags are accepted by the local ps (a rejected flag would throw).
    expect(typeof (await systemProcessProbe().isCursorRunning())).toBe('boolean');
  });
});
