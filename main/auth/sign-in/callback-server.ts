/**
 * The one-shot local server the browser is sent back to (codex-rs/login/src/server.rs): `127.0.0.1:1455`, and when
 * that port is taken, a previous sign-in is asked to stop (`GET /cancel`) and the bind retried, then port 1457.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignInError } from './sign-in-error.js';

/** The ports the Codex CLI's redirect URIs are registered for at the issuer. */
export const CALLBACK_PORTS: readonly number[] = [1455, 1457];
const BIND_ATTEMPTS = 10;
const BIND_RETRY_DELAY_MS = 200;

export interface CallbackPage {
  status: number;
  title: string;
  text: string;
}

export interface CallbackHandlers {
  /** `/auth/callback?…`: answer the browser once the sign-in is settled. */
  onCallback(params: URLSearchParams): Promise<CallbackPage>;
  /** `/cancel`: a newer sign-in wants the port. */
  onCancel(): void;
}

export interface CallbackServer {
  port: number;
  /** `http://localhost:<port>/auth/callback`, as the issuer expects it. */
  redirectUri: string;
  close(): void;
}

export async function startCallbackServer(ports: readonly number[], handlers: CallbackHandlers): Promise<CallbackServer> {
  let settled = false;
  const server = createServer((req, res) => route(req, res));

  function route(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/cancel') {
      sendPage(res, { status: 200, title: 'Sign-in cancelled', text: 'This sign-in was cancelled by a newer one.' });
      handlers.onCancel();
      return;
    }
    if (url.pathname !== '/auth/callback') return sendPage(res, { status: 404, title: 'Not found', text: 'Nothing here.' });
    // One-shot: a second callback (a reload, a stray request) cannot start another exchange.
    if (settled) return sendPage(res, { status: 409, title: 'Sign-in already handled', text: 'You can close this window.' });
    settled = true;
    handlers.onCallback(url.searchParams).then(
      (page) => sendPage(res, page),
      () => sendPage(res, { status: 500, title: 'Sign-in failed', text: 'Return to Codex Cursor Bridge for details.' }),
    );
  }

  for (const port of ports) {
    for (let attempt = 1; attempt <= BIND_ATTEMPTS; attempt++) {
      const bound = await listen(server, port);
      if (bound !== undefined) {
        return {
          port: bound,
          redirectUri: `http://localhost:${bound}/auth/callback`,
          close: () => {
            server.close();
            // Let the last page reach the browser before its connection goes.
            setTimeout(() => server.closeAllConnections(), 100).unref();
          },
        };
      }
      if (attempt === 1) await askPreviousToCancel(port);
      await new Promise((resolve) => setTimeout(resolve, BIND_RETRY_DELAY_MS));
    }
  }
  throw new SignInError(
    'port-busy',
    `Another program is using the sign-in ports (${ports.join(', ')}) on 127.0.0.1. Close it (or an older sign-in) and try again, or sign in with a code (--device).`,
  );
}

/** The bound port, or undefined when the port is in use. */
function listen(server: Server, port: number): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') resolve(undefined);
      else reject(new SignInError('port-busy', `Cannot listen for the sign-in on 127.0.0.1:${port} (${error.code ?? error.message}).`));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, '127.0.0.1');
  });
}

/** A previous sign-in (ours or the Codex CLI's) gives the port up on `GET /cancel`; anything else just answers. */
function askPreviousToCancel(port: number): Promise<void> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/cancel', timeout: 2_000 }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve());
    req.end();
  });
}

function sendPage(res: ServerResponse, page: CallbackPage): void {
  const body =
    `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(page.title)}</title></head>` +
    `<body style="font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto"><h1>${escapeHtml(page.title)}</h1>` +
    `<p>${escapeHtml(page.text)}</p></body></html>`;
  res.writeHead(page.status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    connection: 'close',
  });
  res.end(body);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
