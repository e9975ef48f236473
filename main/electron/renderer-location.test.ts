import { describe, expect, it } from 'vitest';
import { APP_INDEX_URL } from './app-protocol.js';
import { isRendererUrl, rendererLocation } from './renderer-location.js';

describe('where the window page comes from', () => {
  it('is app:// unless an unpackaged run names a dev server on this machine', () => {
    const app = { kind: 'app', url: APP_INDEX_URL };
    expect(rendererLocation({ isPackaged: true })).toEqual(app);
    expect(rendererLocation({ isPackaged: false })).toEqual(app);
    expect(rendererLocation({ isPackaged: true, devServerUrl: 'http://localhost:5173/' })).toEqual(app);
    for (const devServerUrl of ['http://dev.example.com:5173/', 'file:///tmp/index.html', 'javascript:alert(1)', 'nonsense']) {
      expect(rendererLocation({ isPackaged: false, devServerUrl })).toEqual(app);
    }
    for (const devServerUrl of ['http://localhost:5173/', 'http://127.0.0.1:5173/', 'http://[::1]:5173/']) {
      expect(rendererLocation({ isPackaged: false, devServerUrl })).toEqual({ kind: 'dev-server', url: devServerUrl });
    }
  });

  it('knows its own page: app://bridge/ with any query or hash, nothing else', () => {
    const app = rendererLocation({ isPackaged: true });
    for (const url of [APP_INDEX_URL, 'app://bridge/', `${APP_INDEX_URL}#/requests`, `${APP_INDEX_URL}?theme=dark`]) {
      expect({ url, ours: isRendererUrl(app, url) }).toEqual({ url, ours: true });
    }
    for (const url of ['app://other/index.html', 'app://bridge/other.html', 'app://bridge:1/index.html', 'file:///index.html', 'https://bridge/index.html', 'http://localhost:5173/', '']) {
      expect({ url, ours: isRendererUrl(app, url) }).toEqual({ url, ours: false });
    }
  });

  it('knows the dev server page by its origin', () => {
    const dev = rendererLocation({ isPackaged: false, devServerUrl: 'http://localhost:5173/' });
    expect(isRendererUrl(dev, 'http://localhost:5173/index.html#/x')).toBe(true);
    expect(isRendererUrl(dev, 'http://localhost:5174/')).toBe(false);
    expect(isRendererUrl(dev, APP_INDEX_URL)).toBe(false);
  });
});
