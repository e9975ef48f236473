import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  abortError,
  loopbackHost,
  TunnelError,
  type TunnelHandle,
  type TunnelProvider,
  type TunnelStartOptions,
} from '../../main/tunnel/tunnel-provider.js';

/** Headers that describe one connection, not the message; a proxy must not pass them on. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

export interface FakeTunnelOptions {
  /** Public hosts are `<prefix>-<n>.<domain>`; defaults mirror a free ngrok URL. */
  prefix?: string;
  domain?: string;
}

interface OpenTunnel {
  server: http.Server;
  publicUrl: string;
  localUrl: string;
  onDisconnect(reason: string): void;
}

/**
 * A tunnel provider for tests that really forwards: each start opens a loopback HTTP proxy to the bridge which,
 * like ngrok, presents the public host in `Host` and adds X-Forwarded-For/-Proto. Tests send requests to
 * `localUrl` ("through the tunnel") and see what the bridge would see from Cursor's servers.
 */
export class FakeTunnelProvider implements TunnelProvider {
  readonly name = 'fake';
  private readonly prefix: string;
  private readonly domain: string;
  private opened = 0;
  private startCalls = 0;
  private failuresLeft = 0;
  private failure: TunnelError | undefined;
  private current: OpenTunnel | undefined;

  constructor(options: FakeTunnelOptions = {}) {
    this.prefix = options.prefix ?? 'fake';
    this.domain = options.domain ?? 'ngrok-free.app';
  }

  /** The next `count` starts reject with `reason` (transient unless `retryable: false`). */
  failNextStarts(count: number, reason: string, options: { retryable?: boolean } = {}): void {
    this.failuresLeft = count;
    const retryable = options.retryable ?? true;
    this.failure = new TunnelError(reason, { code: 'fake_failure', hint: 'fake hint', retryable });
  }

  /** Simulates the provider losing the tunnel: the proxy goes away and the manager is told why. */
  async drop(reason = 'fake tunnel dropped'): Promise<void> {
    const tunnel = this.current;
    if (!tunnel) throw new Error('FakeTunnelProvider.drop(): no tunnel is open');
    this.current = undefined;
    await closeServer(tunnel.server);
    tunnel.onDisconnect(reason);
  }

  /** The public URL of the open tunnel (rotates per start: https://fake-1.ngrok-free.app, -2, …). */
  get publicUrl(): string | undefined {
    return this.current?.publicUrl;
  }

  /** Where tests connect to reach the bridge through the open tunnel. */
  get localUrl(): string | undefined {
    return this.current?.localUrl;
  }

  /** `fetch` as the internet would do it: the open tunnel's public URL leads to its loopback proxy. */
  readonly fetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = String(input instanceof Request ? input.url : input);
    const open = this.current;
    const routed = open && url.startsWith(open.publicUrl) ? `${open.localUrl}${url.slice(open.publicUrl.length)}` : url;
    return fetch(routed, init);
  };

  /** How many times start() was called, failures included. */
  get starts(): number {
    return this.startCalls;
  }

  async start(opts: TunnelStartOptions): Promise<TunnelHandle> {
    this.startCalls += 1;
    if (opts.signal?.aborted) throw abortError();
    if (this.failuresLeft > 0 && this.failure) {
      this.failuresLeft -= 1;
      throw this.failure;
    }
    if (this.current) throw new Error('FakeTunnelProvider: start() while a tunnel is still open');
    this.opened += 1;
    const publicHost = `${this.prefix}-${this.opened}.${this.domain}`;
    const server = createForwardingProxy(publicHost, loopbackHost(opts.localHost), opts.localPort);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const tunnel: OpenTunnel = {
      server,
      publicUrl: `https://${publicHost}`,
      localUrl: `http://127.0.0.1:${port}`,
      onDisconnect: opts.onDisconnect,
    };
    this.current = tunnel;
    return {
      publicUrl: tunnel.publicUrl,
      stop: async () => {
        if (this.current === tunnel) this.current = undefined;
        await closeServer(server);
      },
    };
  }
}

function createForwardingProxy(publicHost: string, targetHost: string, targetPort: number): http.Server {
  return http.createServer((req, res) => {
    const upstream = http.request(
      {
        host: targetHost,
        port: targetPort,
        method: req.method,
        path: req.url,
        headers: {
          ...endToEnd(req.headers),
          host: publicHost,
          'x-forwarded-for': req.socket.remoteAddress ?? '127.0.0.1',
          'x-forwarded-proto': 'https',
        },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEnd(answer.headers));
        // Send headers now: an SSE response must reach the client before its first event.
        res.flushHeaders();
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('fake tunnel: the bridge is not reachable');
    });
    // A client that goes away closes the request to the bridge too, as a real tunnel does.
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
}

function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())));
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
