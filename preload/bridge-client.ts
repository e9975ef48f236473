import {
  EVENT_CHANNELS,
  REQUEST_CHANNELS,
  type BridgeApi,
  type BridgeSnapshot,
  type InFlightRow,
  type IpcAnswer,
  type LogRow,
  type RequestName,
} from '../shared/bridge-api.js';

export type RendererListener = (event: unknown, ...args: unknown[]) => void;

/** The part of Electron's ipcRenderer the preload uses; never handed to the page itself. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: RendererListener): unknown;
  removeListener(channel: string, listener: RendererListener): unknown;
}

export interface ContextBridgeLike {
  exposeInMainWorld(key: string, api: unknown): void;
}

/** Rebuilds the Error the main process could only send as data. */
function unwrap(answer: unknown): unknown {
  const envelope = answer as IpcAnswer<unknown> | undefined;
  if (envelope?.ok === true) return envelope.result;
  throw new Error(envelope?.ok === false ? envelope.error.message : 'The bridge sent an answer the window does not understand.');
}

function subscribe<T>(ipc: IpcRendererLike, channel: string, listener: (payload: T) => void): () => void {
  // A handler of our own, so the page never sees Electron's event object, and unsubscribe removes exactly it.
  const handler: RendererListener = (_event, payload) => listener(payload as T);
  ipc.on(channel, handler);
  return () => {
    ipc.removeListener(channel, handler);
  };
}

/** One method per request of the contract (Electron's guide: never a generic send/invoke), plus the event subscriptions. */
export function createBridgeClient(ipc: IpcRendererLike): BridgeApi {
  const requests = Object.fromEntries(
    (Object.entries(REQUEST_CHANNELS) as Array<[RequestName, string]>).map(([name, channel]) => [
      name,
      async (...args: unknown[]) => unwrap(await ipc.invoke(channel, ...args)),
    ]),
  ) as Pick<BridgeApi, RequestName>;
  return {
    ...requests,
    onLog: (listener: (row: LogRow) => void) => subscribe(ipc, EVENT_CHANNELS.log, listener),
    onSnapshot: (listener: (snapshot: BridgeSnapshot) => void) => subscribe(ipc, EVENT_CHANNELS.snapshot, listener),
    onInFlight: (listener: (rows: InFlightRow[]) => void) => subscribe(ipc, EVENT_CHANNELS.inFlight, listener),
  };
}

/** `window.bridge` in the page. */
export function exposeBridge(contextBridge: ContextBridgeLike, ipc: IpcRendererLike): void {
  contextBridge.exposeInMainWorld('bridge', createBridgeClient(ipc));
}
