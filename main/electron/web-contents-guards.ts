import type { AppLike, PreventableEvent, WebContentsLike } from './electron-types.js';

export interface WebContentsGuardOptions {
  /** Whether a link may go to the user's browser (external-links.ts). */
  isAllowedExternal(url: string): boolean;
  openExternal(url: string): Promise<void>;
  onError?(error: unknown): void;
}

/**
 * Electron's security checklist for every web contents the app ever makes (the window, devtools, anything a bug
 * might create), installed once on `web-contents-created` (Podman Desktop's SecurityRestrictions): no navigation,
 * redirect or frame navigation away from the loaded page, no webviews, no new windows, no permissions, and links
 * to the browser only for allowlisted https pages.
 */
export function guardEveryWebContents(app: Pick<AppLike, 'on'>, options: WebContentsGuardOptions): void {
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, options));
}

function guardWebContents(contents: WebContentsLike, options: WebContentsGuardOptions): void {
  const openIfAllowed = (url: string): void => {
    if (options.isAllowedExternal(url)) options.openExternal(url).catch((error: unknown) => options.onError?.(error));
  };
  const deny = (event: PreventableEvent): void => event.preventDefault();

  contents.setWindowOpenHandler(({ url }) => {
    openIfAllowed(url);
    return { action: 'deny' };
  });
  // The window is one page loaded by the app (loadURL does not raise these): any navigation is a mistake or an
  // attack. A plain link to an allowed page still reaches the browser.
  contents.on('will-navigate', (event, url) => {
    deny(event);
    openIfAllowed(url);
  });
  contents.on('will-frame-navigate', deny);
  contents.on('will-redirect', deny);
  contents.on('will-attach-webview', deny);
  contents.session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  contents.session.setPermissionCheckHandler(() => false);
}
