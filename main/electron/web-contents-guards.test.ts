import { describe, expect, it, vi } from 'vitest';
import { FakeApp, FakeShell, FakeWebContents } from '../../test/support/fake-electron.js';
import { guardEveryWebContents } from './web-contents-guards.js';

const ALLOWED = 'https://chatgpt.com/codex/settings/usage';

function setup(openExternal?: (url: string) => Promise<void>) {
  const app = new FakeApp('/apps/bridge');
  const shell = new FakeShell();
  const errors: unknown[] = [];
  guardEveryWebContents(app, {
    isAllowedExternal: (url) => url === ALLOWED,
    openExternal: openExternal ?? ((url) => shell.openExternal(url)),
    onError: (error) => errors.push(error),
  });
  const created = (): FakeWebContents => {
    const contents = new FakeWebContents('app://bridge/index.html');
    app.emit('web-contents-created', {}, contents);
    return contents;
  };
  return { app, shell, errors, created };
}

describe('the guards on every web contents', () => {
  it('are installed on each one the app makes, not only the first', () => {
    const { created } = setup();
    for (const contents of [created(), created()]) {
      expect(contents.windowOpenHandler).toBeDefined();
      expect(contents.attempt('will-navigate', 'https://evil.example/')).toBe(true);
    }
  });

  it('deny navigation, frame navigation and redirects anywhere, even to an allowed page', () => {
    const contents = setup().created();
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'app://bridge/other.html', ALLOWED]) {
      expect(contents.attempt('will-navigate', url)).toBe(true);
      expect(contents.attempt('will-frame-navigate', url)).toBe(true);
      expect(contents.attempt('will-redirect', url)).toBe(true);
    }
  });

  it('deny attaching a webview', () => {
    expect(setup().created().attempt('will-attach-webview')).toBe(true);
  });

  it('deny every new window, sending only allowlisted links to the browser', () => {
    const { shell, created } = setup();
    const contents = created();
    for (const url of [ALLOWED, 'https://evil.example/', 'http://chatgpt.com/codex/settings/usage', 'file:///etc/passwd', 'javascript:alert(1)']) {
      expect(contents.openWindow(url)).toEqual({ action: 'deny' });
    }
    expect(shell.opened).toEqual([ALLOWED]);
  });

  it('send a plain link the page follows to the browser when it is allowlisted', () => {
    const { shell, created } = setup();
    const contents = created();
    contents.attempt('will-navigate', 'https://evil.example/');
    contents.attempt('will-navigate', ALLOWED);
    expect(shell.opened).toEqual([ALLOWED]);
  });

  it('report a browser that fails to open', async () => {
    const { errors, created } = setup(() => Promise.reject(new Error('no browser')));
    created().openWindow(ALLOWED);
    await vi.waitFor(() => expect(errors).toEqual([new Error('no browser')]));
  });

  it('deny every permission request and check', async () => {
    const contents = setup().created();
    await expect(contents.session.requestPermission('media')).resolves.toBe(false);
    await expect(contents.session.requestPermission('notifications')).resolves.toBe(false);
    expect(contents.session.checkHandler?.()).toBe(false);
  });
});
