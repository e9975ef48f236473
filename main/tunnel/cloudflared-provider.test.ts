import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCloudflaredProvider, findExecutable, parseQuickTunnelUrl } from './cloudflared-provider.js';
import { TunnelError, type TunnelHandle, type TunnelStartOptions } from './tunnel-provider.js';

/** What cloudflared 2024.x prints to stderr for `tunnel --url`, including an error line naming api.trycloudflare.com. */
const BANNER = [
  '2024-05-13T10:00:00Z INF Thank you for trying Cloudflare Tunnel. Doing so, without a Cloudflare account, is a quick way to experiment and try it out. However, be aware that these account-less Tunnels have no uptime guarantee, are subject to the Cloudflare Online Services Terms of Use (https://www.cloudflare.com/website-terms/), and Cloudflare reserves the right to investigate your use of Tunnels for violations of such terms. If you intend to use Tunnels in production you should use a pre-created named tunnel by following: https://developers.cloudflare.com/cloudflare-one/connections/connect-apps',
  '2024-05-13T10:00:00Z INF Requesting new quick Tunnel on trycloudflare.com...',
  '2024-05-13T10:00:01Z INF +--------------------------------------------------------------------------------------------+',
  '2024-05-13T10:00:01Z INF |  Your quick Tunnel has been created! Visit it at (it may take some time to be reachable):  |',
  '2024-05-13T10:00:01Z INF |  https://seasonal-deck-organisms-sf.trycloudflare.com                                       |',
  '2024-05-13T10:00:01Z INF +--------------------------------------------------------------------------------------------+',
  '2024-05-13T10:00:01Z INF Version 2024.5.0',
  '2024-05-13T10:00:02Z INF Registered tunnel connection connIndex=0 connection=0e7a1b6c event=0 ip=198.41.200.13 location=ams08 protocol=quic',
];
const OFFLINE = [
  '2024-05-13T10:00:00Z INF Requesting new quick Tunnel on trycloudflare.com...',
  '2024-05-13T10:00:00Z ERR failed to request quick Tunnel: Post "https://api.trycloudflare.com/tunnel": dial tcp: lookup api.trycloudflare.com: no such host',
];

let binDir: string;
let runs = 0;

/**
 * A stand-in `cloudflared` on a temp PATH. FAKE_CLOUDFLARED selects its behaviour: `ok` prints the banner and runs
 * until killed, `offline` fails like cloudflared without network, `silent` never prints, `drop` exits after the URL.
 */
const FAKE = `
const fs = require('node:fs');
fs.writeFileSync(process.env.FAKE_CLOUDFLARED_ARGS, JSON.stringify({ args: process.argv.slice(2), pid: process.pid }));
const mode = process.env.FAKE_CLOUDFLARED;
const banner = ${JSON.stringify(BANNER)};
const offline = ${JSON.stringify(OFFLINE)};
if (mode === 'offline') { process.stderr.write(offline.join('\\n') + '\\n'); process.exit(1); }
if (mode === 'ok' || mode === 'drop') process.stderr.write(banner.join('\\n') + '\\n');
if (mode === 'drop') setTimeout(() => { process.stderr.write('2024-05-13T10:00:03Z ERR Connection terminated error="lost"\\n'); process.exit(3); }, 50);
setInterval(() => {}, 1000);
`;

beforeAll(async () => {
  binDir = await mkdtemp(path.join(os.tmpdir(), 'fake-cloudflared-'));
  const bin = path.join(binDir, 'cloudflared');
  await writeFile(bin, `#!${process.execPath}\n${FAKE}`);
  await chmod(bin, 0o755);
});

afterAll(async () => {
  await rm(binDir, { recursive: true, force: true });
});

interface FakeRun {
  provider: ReturnType<typeof createCloudflaredProvider>;
  /** The fake writes `{ args, pid }` here as soon as it runs. */
  argsFile: string;
}

function fakeRun(mode: string, urlTimeoutMs = 5_000): FakeRun {
  runs += 1;
  const argsFile = path.join(binDir, `args-${runs}.json`);
  const provider = createCloudflaredProvider({
    env: { PATH: binDir, FAKE_CLOUDFLARED: mode, FAKE_CLOUDFLARED_ARGS: argsFile },
    platform: 'linux',
    urlTimeoutMs,
  });
  return { provider, argsFile };
}

async function launched(run: FakeRun): Promise<{ args: string[]; pid: number }> {
  return vi.waitFor(async () => JSON.parse(await readFile(run.argsFile, 'utf8')) as { args: string[]; pid: number });
}

/** The fake's process is gone (signal 0 probes for it without touching it). */
async function terminated(run: FakeRun): Promise<void> {
  const { pid } = await launched(run);
  await vi.waitFor(() => expect(() => process.kill(pid, 0)).toThrow(/ESRCH/));
}

function options(extra: Partial<TunnelStartOptions> = {}): TunnelStartOptions {
  return { localHost: '127.0.0.1', localPort: 7711, onDisconnect: () => undefined, ...extra };
}

async function rejection(promise: Promise<TunnelHandle>): Promise<unknown> {
  return promise.then(
    () => expect.fail('the tunnel should not have started'),
    (err: unknown) => err,
  );
}

describe('parseQuickTunnelUrl', () => {
  it('finds the trycloudflare URL in the banner line and nothing in other lines', () => {
    expect(BANNER.map(parseQuickTunnelUrl).filter(Boolean)).toEqual(['https://seasonal-deck-organisms-sf.trycloudflare.com']);
    expect(OFFLINE.map(parseQuickTunnelUrl).filter(Boolean)).toEqual([]);
  });
});

describe('createCloudflaredProvider', () => {
  it('starts `cloudflared tunnel --url` for the bridge and returns the URL from its output; stop kills it', async () => {
    const run = fakeRun('ok');
    const handle = await run.provider.start(options({ localHost: '0.0.0.0' }));
    expect(handle.publicUrl).toBe('https://seasonal-deck-organisms-sf.trycloudflare.com');
    expect((await launched(run)).args).toEqual([
      'tunnel',
      '--url',
      'http://127.0.0.1:7711',
      '--no-autoupdate',
    ]);
    await handle.stop();
    await terminated(run);
  });

  it('reports an exit after the URL as a disconnect with cloudflared\'s last error', async () => {
    const onDisconnect = vi.fn();
    const handle = await fakeRun('drop').provider.start(options({ onDisconnect }));
    await vi.waitFor(() => expect(onDisconnect).toHaveBeenCalledTimes(1));
    expect(onDisconnect.mock.calls[0]?.[0]).toBe('cloudflared exited (code 3): Connection terminated error="lost"');
    await handle.stop();
  });

  it('fails with cloudflared\'s own reason when it exits before printing a URL', async () => {
    const err = await rejection(fakeRun('offline').provider.start(options()));
    expect(err).toBeInstanceOf(TunnelError);
    const tunnelError = err as TunnelError;
    expect(tunnelError.code).toBe('cloudflared_exited');
    expect(tunnelError.retryable).toBe(true);
    expect(tunnelError.message).toContain('cloudflared exited (code 1): failed to request quick Tunnel');
    expect(tunnelError.message).toContain('no such host');
  });

  it('gives up after the timeout when no URL appears, and kills the child', async () => {
    const run = fakeRun('silent', 600);
    const err = await rejection(run.provider.start(options()));
    expect((err as TunnelError).code).toBe('cloudflared_no_url');
    expect((err as TunnelError).retryable).toBe(true);
    expect((err as TunnelError).message).toBe('cloudflared printed no tunnel URL within 600 ms');
    await terminated(run);
  });

  it('rejects as aborted when the signal fires while waiting for the URL', async () => {
    const controller = new AbortController();
    const run = fakeRun('silent');
    const pending = run.provider.start(options({ signal: controller.signal }));
    await launched(run);
    controller.abort();
    const err = await rejection(pending);
    expect((err as Error).name).toBe('AbortError');
    await terminated(run);
  });

  it('says how to get cloudflared when it is not on PATH', async () => {
    const missing = createCloudflaredProvider({ env: { PATH: path.join(binDir, 'nowhere') }, platform: 'linux' });
    const err = await rejection(missing.start(options()));
    expect((err as TunnelError).code).toBe('cloudflared_not_found');
    expect((err as TunnelError).retryable).toBe(false);
    expect((err as TunnelError).message).toMatch(/cloudflared was not found on PATH/);
    expect((err as TunnelError).hint).toMatch(/Install cloudflared/);
  });
});

describe('findExecutable', () => {
  it('searches PATH entries for an executable file and skips non-executables', async () => {
    const plain = path.join(binDir, 'not-executable');
    await writeFile(plain, 'data');
    const env = { PATH: ['/nonexistent', binDir].join(':') };
    expect(await findExecutable('cloudflared', env, 'linux')).toBe(path.join(binDir, 'cloudflared'));
    expect(await findExecutable('not-executable', env, 'linux')).toBeUndefined();
    expect(await findExecutable(path.join(binDir, 'cloudflared'), {}, 'linux')).toBe(path.join(binDir, 'cloudflared'));
  });
});
