import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_CSP, APP_INDEX_URL, createAppRequestHandler } from './app-protocol.js';

let dir: string;
let rendererDir: string;
let handler: ReturnType<typeof createAppRequestHandler>;
const get = (url: string, method = 'GET') => handler(new Request(url, { method }));

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'app-protocol-'));
  rendererDir = path.join(dir, 'out', 'renderer');
  await mkdir(path.join(rendererDir, 'assets'), { recursive: true });
  await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>window</title>');
  await writeFile(path.join(rendererDir, 'assets', 'index-abc.js'), 'console.log(1)');
  await writeFile(path.join(rendererDir, 'assets', 'index-abc.css'), 'body{}');
  await writeFile(path.join(rendererDir, 'assets', 'logo.svg'), '<svg/>');
  await writeFile(path.join(rendererDir, 'assets', 'notes.txt'), 'an unknown type');
  await writeFile(path.join(dir, 'out', 'secret.js'), 'the main process');
  await writeFile(path.join(dir, 'out', 'renderer-evil.js'), 'a sibling that shares the prefix');
  await symlink(path.join(dir, 'out', 'secret.js'), path.join(rendererDir, 'assets', 'link.js'));
  handler = createAppRequestHandler(rendererDir);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the app:// handler', () => {
  it('serves index.html at / and /index.html with the page CSP, and the assets with their types', async () => {
    for (const url of ['app://bridge/', APP_INDEX_URL, `${APP_INDEX_URL}?x=1#/requests`]) {
      const answer = await get(url);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(answer.headers.get('content-security-policy')).toBe(APP_CSP);
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await answer.text()).toContain('<title>window</title>');
    }
    const types = await Promise.all(['index-abc.js', 'index-abc.css', 'logo.svg'].map(async (name) => (await get(`app://bridge/assets/${name}`)).headers.get('content-type')));
    expect(types).toEqual(['text/javascript; charset=utf-8', 'text/css; charset=utf-8', 'image/svg+xml']);
    const head = await get(APP_INDEX_URL, 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('refuses every way out of the renderer folder', async () => {
    const attempts = [
      'app://bridge/../secret.js',
      'app://bridge/%2e%2e/secret.js',
      'app://bridge/assets/..%2f..%2fsecret.js',
      'app://bridge/%2e%2e%2fsecret.js',
      'app://bridge/..%5csecret.js',
      'app://bridge/assets%5c..%5c..%5csecret.js',
      'app://bridge/%2e%2e%2frenderer-evil.js',
      `app://bridge/${encodeURIComponent(path.join(dir, 'out', 'secret.js'))}`,
      'app://bridge//etc/passwd',
      'app://bridge/%2fetc%2fpasswd',
      'app://bridge/index.html%00.js',
      'app://bridge/assets/link.js',
      'app://bridge/%E0%A4%A',
    ];
    for (const url of attempts) {
      const answer = await get(url);
      expect({ url, status: answer.status }).toEqual({ url, status: 404 });
      expect(await answer.text()).toBe('not found');
    }
  });

  it('serves only its own host, GET and HEAD, regular files of known types', async () => {
    const refusals = [
      get('app://other/index.html'),
      get('app://bridge:8080/index.html'),
      get('file:///etc/passwd'),
      get(APP_INDEX_URL, 'POST'),
      get('app://bridge/assets'),
      get('app://bridge/assets/'),
      get('app://bridge/assets/notes.txt'),
      get('app://bridge/missing.js'),
    ];
    expect((await Promise.all(refusals)).map((answer) => answer.status)).toEqual(refusals.map(() => 404));
  });

  it('sends the same policy as the <meta> of renderer/index.html', async () => {
    const html = await readFile(path.resolve(import.meta.dirname, '..', '..', 'renderer', 'index.html'), 'utf8');
    expect(html.replace(/\s+/g, ' ')).toContain(`content="${APP_CSP}"`);
  });
});
