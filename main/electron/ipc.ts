import {
  EVENT_CHANNELS,
  REQUEST_CHANNELS,
  validateArgs,
  type BridgeApi,
  type IpcAnswer,
  type RequestArgs,
  type RequestName,
  type RequestResult,
} from '../../shared/bridge-api.js';
import type { InvokeEventLike, IpcMainLike, WebContentsLike } from './electron-types.js';

export interface IpcHandlerOptions {
  ipcMain: IpcMainLike;
  service: BridgeApi;
  /** Our window's web contents while it exists: the only sender the handlers answer. */
  window(): WebContentsLike | undefined;
  /** Whether a frame URL is our own renderer page. */
  isAppUrl(url: string): boolean;
  onRefused?(channel: string, reason: string): void;
}

/**
 * VS Code's validatedIpcMain idea: a handler for exactly the contract's request channels (Electron rejects any
 * other channel for lack of a handler), each answering only our window's main frame on our own page, and only with
 * arguments that pass `validateArgs`. Returns the function that removes the handlers.
 */
export function registerIpcHandlers(options: IpcHandlerOptions): () => void {
  const { ipcMain, service } = options;
  const names = Object.keys(REQUEST_CHANNELS) as RequestName[];

  function refusal(event: InvokeEventLike): string | undefined {
    const ours = options.window();
    if (!ours || event.sender !== ours) return 'not our window';
    const frame = event.senderFrame;
    if (!frame) return 'the frame is gone';
    if (frame.parent !== null) return 'not the main frame';
    if (!options.isAppUrl(frame.url)) return 'not our page';
    return undefined;
  }

  for (const name of names) {
    const channel = REQUEST_CHANNELS[name];
    ipcMain.handle(channel, async (event, ...args): Promise<IpcAnswer<unknown>> => {
      const why = refusal(event);
      if (why) {
        options.onRefused?.(channel, why);
        return { ok: false, error: { message: `${channel}: refused (${why})` } };
      }
      try {
        return { ok: true, result: await call(service, name, validateArgs(name, args)) };
      } catch (error) {
        return { ok: false, error: { message: error instanceof Error ? error.message : String(error) } };
      }
    });
  }
  return () => {
    for (const name of names) ipcMain.removeHandler(REQUEST_CHANNELS[name]);
  };
}

function call<K extends RequestName>(service: BridgeApi, name: K, args: RequestArgs[K]): Promise<RequestResult[K]> {
  return Reflect.apply(service[name], service, args) as Promise<RequestResult[K]>;
}

/** Pushes the core's log rows and snapshots to one window until the returned function is called. */
export function forwardEvents(service: Pick<BridgeApi, 'onLog' | 'onSnapshot' | 'onInFlight'>, webContents: WebContentsLike): () => void {
  const sendTo =
    (channel: string) =>
    (payload: unknown): void => {
      if (!webContents.isDestroyed()) webContents.send(channel, payload);
    };
  const unsubscribes = [
    service.onLog(sendTo(EVENT_CHANNELS.log)),
    service.onSnapshot(sendTo(EVENT_CHANNELS.snapshot)),
    service.onInFlight(sendTo(EVENT_CHANNELS.inFlight)),
  ];
  return () => {
    for (const unsubscribe of unsubscribes) unsubscribe();
  };
}
