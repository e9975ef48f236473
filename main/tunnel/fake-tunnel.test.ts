import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeTunnelProvider } from '../../test/support/fake-tunnel.js';
import { TunnelError, type TunnelHandle } from './tunnel-provider.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

let bridge: http.Server;
let bridgePort: number;
let handler: Handler;
let handles: TunnelHandle[];

beforeEach(async () => {
  handles = [];
  bridge = http.createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => bridge.listen(0, '127.0.0.1', resolve));
  bridgePort = (bridge.address() as AddressInfo).port;
});

afterEach(async () => {
  await Promise.all(handles.map((h) => h.stop()));
  bridge.closeAllConnections();
  await new Promise((resolve) => bridge.close(resolve));
});

async function open(provider: FakeTunnelProvider, onDisconnect: (reason: string) => void = () => undefined): Promise<TunnelHandle> {
  const handle = await provider.start({ localHost: '127.0.0.1', localPort: bridgePort, onDisconnect });
  handles.push(handle);
  return handle;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

describe('FakeTunnelProvider', () => {
  it('forwards a request with the public host as Host, like ngrok, and returns the bridge answer unchanged', async () => {
    let seen: { method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string } | undefined;
    handler = async (req, res) => {
      seen = { method: req.method, url: req.url, headers: req.headers, body: await readBody(req) };
      res.writeHead(401, { 'content-type': 'application/json', 'x-request-id': 'req_1' });
      res.end('{"error":{"message":"bad token"}}');
    };
    const provider = new FakeTunnelProvider();
    const handle = await open(provider);

    expect(handle.publicUrl).toBe('https://fake-1.ngrok-free.app');
    expect(provider.publicUrl).toBe(handle.publicUrl);
    expect(provider.localUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(provider.localUrl).not.toBe(`http://127.0.0.1:${bridgePort}`);

    const answer = await fetch(`${provider.localUrl}/v1/chat/completions?x=1`, {
      method: 'POST',
      headers: { authorization: 'Bearer tok', 'content-type': 'application/json' },
      body: '{"model":"bridge-pro"}',
    });

    expect(answer.status).toBe(401);
    expect(answer.headers.get('x-request-id')).toBe('req_1');
    expect(await answer.text()).toBe('{"error":{"message":"bad token"}}');
    expect(seen).toMatchObject({
      method: 'POST',
      url: '/v1/chat/completions?x=1',
      body: '{"model":"bridge-pro"}',
      headers: { host: 'fake-1.ngrok-free.app', authorization: 'Bearer tok', 'x-forwarded-proto': 'https' },
    });
    expect(seen?.headers['x-forwarded-for']).toMatch(/127\.0\.0\.1/);
  });

  it('streams an SSE response through as it is written, byte for byte', async () => {
    const euro = Buffer.from('€', 'utf8');
    const chunks = [
      Buffer.from(': keep-alive\n\n'),
      Buffer.concat([Buffer.from('data: {"delta":"'), euro.subarray(0, 1)]),
      Buffer.concat([euro.subarray(1), Buffer.from('"}\n\n')]),
      Buffer.from('data: [DONE]\n\n'),
    ];
    let clientGotFirst!: () => void;
    const firstArrived = new Promise<void>((resolve) => (clientGotFirst = resolve));
    handler = async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write(chunks[0]);
      // The rest only after the client has seen the first chunk: a buffering proxy would deadlock here.
      await firstArrived;
      for (const chunk of chunks.slice(1)) res.write(chunk);
      res.end();
    };
    const provider = new FakeTunnelProvider();
    await open(provider);

    const answer = await fetch(`${provider.localUrl}/v1/chat/completions`, { method: 'POST', body: '{}' });
    expect(answer.headers.get('content-type')).toBe('text/event-stream');
    const reader = answer.body!.getReader();
    const received: Uint8Array[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received.push(value);
      if (received.length === 1) clientGotFirst();
    }

    expect(Buffer.concat(received)).toEqual(Buffer.concat(chunks));
    expect(Buffer.concat(received).toString('utf8')).toContain('{"delta":"€"}');
  });

  it('rotates the public URL per start and fails the next starts on request', async () => {
    handler = (_req, res) => res.end('ok');
    const provider = new FakeTunnelProvider({ prefix: 'cursor', domain: 'ngrok.test' });
    provider.failNextStarts(2, 'could not reach ngrok: offline', { retryable: false });

    for (let i = 0; i < 2; i += 1) {
      const err = await open(provider).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TunnelError);
      expect(err).toMatchObject({ message: 'could not reach ngrok: offline', retryable: false });
    }
    const first = await open(provider);
    await first.stop();
    const second = await open(provider);

    expect(first.publicUrl).toBe('https://cursor-1.ngrok.test');
    expect(second.publicUrl).toBe('https://cursor-2.ngrok.test');
    expect(provider.starts).toBe(4);
  });

  it('drop() tells the manager and really closes the tunnel', async () => {
    handler = (_req, res) => res.end('ok');
    const provider = new FakeTunnelProvider();
    const onDisconnect = vi.fn();
    await open(provider, onDisconnect);
    const localUrl = provider.localUrl;
    expect(await (await fetch(`${localUrl}/`)).text()).toBe('ok');

    await provider.drop('network went away');

    expect(onDisconnect).toHaveBeenCalledWith('network went away');
    expect(provider.localUrl).toBeUndefined();
    await expect(fetch(`${localUrl}/`)).rejects.toThrow();
  });

  it('answers 502 when nothing listens behind it', async () => {
    const vacant = http.createServer();
    await new Promise<void>((resolve) => vacant.listen(0, '127.0.0.1', resolve));
    const vacantPort = (vacant.address() as AddressInfo).port;
    await new Promise((resolve) => vacant.close(resolve));
    const provider = new FakeTunnelProvider();
    handles.push(await provider.start({ localHost: '127.0.0.1', localPort: vacantPort, onDisconnect: () => undefined }));

    const answer = await fetch(`${provider.localUrl}/v1/models`);
    expect(answer.status).toBe(502);
  });
});
