import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { FakeBrowserWindow, fakeWindowFactory, FakeShell } from '../../test/support/fake-electron.js';
import { rendererLocation } from './renderer-location.js';
import { createWindowController } from './window.js';

const APP_PATH = '/apps/bridge';
const PRELOAD = path.join(APP_PATH, 'out', 'preload', 'preload.cjs');

function setup(devServerUrl?: string) {
  const factory = fakeWindowFactory();
  const shell = new FakeShell();
  let eventsStopped = 0;
  const controller = createWindowController({
    createWindow: factory.createWindow,
    openExternal: (url) => shell.openExternal(url),
    renderer: rendererLocation(APP_PATH, devServerUrl),
    preloadPath: PRELOAD,
    onCreated: () => () => {
      eventsStopped += 1;
    },
  });
  const shown = () => {
    controller.show();
    const window = factory.windows.at(-1);
    if (!window) throw new Error('no window was created');
    return window;
  };
  return { factory, shell, controller, shown, stopped: () => eventsStopped };
}

describe('the window', () => {
  it('is created on demand with the security flags and our preload, loading the built renderer', () => {
    const { factory, controller, shown } = setup();
    expect(factory.windows).toHaveLength(0);
    expect(controller.current()).toBeUndefined();
    const window = shown();
    expect(window.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      preload: PRELOAD,
    });
    expect(window.loaded).toEqual({ file: path.join(APP_PATH, 'out', 'renderer', 'index.html') });
    expect(window.visible).toBe(true);
    expect(window.focused).toBe(true);
    expect(controller.current()).toBe(window);
  });

  it('loads the dev server when given one', () => {
    const { shown } = setup('http://localhost:5173/');
    expect(shown().loaded).toEqual({ url: 'http://localhost:5173/' });
  });

  it('opens https links in the browser and denies every new window', () => {
    const { shell, shown } = setup();
    const contents = shown().webContents;
    expect(contents.openWindow('https://platform.openai.com/docs')).toEqual({ action: 'deny' });
    expect(contents.openWindow('http://example.com/')).toEqual({ action: 'deny' });
    expect(contents.openWindow('file:///etc/passwd')).toEqual({ action: 'deny' });
    expect(contents.openWindow('javascript:alert(1)')).toEqual({ action: 'deny' });
    expect(shell.opened).toEqual(['https://platform.openai.com/docs']);
  });

  it('prevents every navigation away from the page', () => {
    const contents = setup().shown().webContents;
    expect(contents.navigate('https://evil.example/')).toBe(true);
    expect(contents.navigate('file:///tmp/other.html')).toBe(true);
  });

  it('denies every permission request and check', async () => {
    const contents = setup().shown().webContents;
    await expect(contents.session.requestPermission('media')).resolves.toBe(false);
    await expect(contents.session.requestPermission('notifications')).resolves.toBe(false);
    expect(contents.session.checkHandler?.()).toBe(false);
  });

  it('hides on close and on blur, and is reused when shown again', () => {
    const { factory, controller, shown } = setup();
    const window = shown();
    expect(window.close()).toBe(false);
    expect(window.visible).toBe(false);
    shown();
    window.blur();
    expect(window.visible).toBe(false);
    shown();
    expect(factory.windows).toHaveLength(1);
    expect(controller.current()).toBe(window);
  });

  it('closes for real once quitting, stops its events, and a later show makes a new window', () => {
    const { factory, controller, shown, stopped } = setup();
    const first = shown();
    controller.allowClose();
    expect(first.close()).toBe(true);
    expect(stopped()).toBe(1);
    expect(controller.current()).toBeUndefined();
    const second = shown();
    expect(second).not.toBe(first);
    expect(factory.windows).toHaveLength(2);
  });

  it('reports a page that fails to load', async () => {
    const errors: unknown[] = [];
    const controller = createWindowController({
      createWindow: (options) => Object.assign(new FakeBrowserWindow(options), { loadFile: () => Promise.reject(new Error('ERR_FILE_NOT_FOUND')) }),
      openExternal: async () => {},
      renderer: rendererLocation(APP_PATH),
      preloadPath: PRELOAD,
      onError: (error) => errors.push(error),
    });
    controller.show();
    await vi.waitFor(() => expect(errors).toEqual([new Error('ERR_FILE_NOT_FOUND')]));
  });
});
