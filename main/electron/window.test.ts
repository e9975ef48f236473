import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { FakeBrowserWindow, fakeWindowFactory } from '../../test/support/fake-electron.js';
import { APP_INDEX_URL } from './app-protocol.js';
import { rendererLocation } from './renderer-location.js';
import { createWindowController } from './window.js';

const APP_PATH = '/apps/bridge';
const PRELOAD = path.join(APP_PATH, 'out', 'preload', 'preload.cjs');

function setup(devServerUrl?: string) {
  const factory = fakeWindowFactory();
  let eventsStopped = 0;
  const controller = createWindowController({
    createWindow: factory.createWindow,
    renderer: rendererLocation({ isPackaged: false, devServerUrl }),
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
  return { factory, controller, shown, stopped: () => eventsStopped };
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
    expect(window.loaded).toEqual({ url: APP_INDEX_URL });
    expect(window.options).toMatchObject({ width: 880, height: 680, minWidth: 640 });
    expect(window.visible).toBe(true);
    expect(window.focused).toBe(true);
    expect(controller.current()).toBe(window);
  });

  it('loads the dev server when given one', () => {
    const { shown } = setup('http://localhost:5173/');
    expect(shown().loaded).toEqual({ url: 'http://localhost:5173/' });
  });

  it('hides on close and is reused when shown again', () => {
    const { factory, controller, shown } = setup();
    const window = shown();
    expect(window.close()).toBe(false);
    expect(window.visible).toBe(false);
    shown();
    expect(factory.windows).toHaveLength(1);
    expect(controller.current()).toBe(window);
  });

  it('stays open when it loses focus (the Cursor steps make the user switch to Cursor and back)', () => {
    const window = setup().shown();
    window.blur();
    expect(window.visible).toBe(true);
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
      createWindow: (options) => Object.assign(new FakeBrowserWindow(options), { loadURL: () => Promise.reject(new Error('ERR_FILE_NOT_FOUND')) }),
      renderer: rendererLocation({ isPackaged: true }),
      preloadPath: PRELOAD,
      onError: (error) => errors.push(error),
    });
    controller.show();
    await vi.waitFor(() => expect(errors).toEqual([new Error('ERR_FILE_NOT_FOUND')]));
  });
});
