import { cursorOutcomeSchema, type BridgeApi, type CursorOutcome } from '../../shared/bridge-api.js';
import { aliasRows, windowSnapshot, type BridgeApp, type CursorOutcome as AppCursorOutcome } from '../app/index.js';

/** The desktop's clipboard (Electron's); injected so this adapter runs in plain Node for the window tests. */
export interface Clipboard {
  copyText(text: string): void | Promise<void>;
}

/** The window sees the contract's view of an outcome: what only a text surface prints is left out. */
function cursorView(outcome: AppCursorOutcome): CursorOutcome {
  return cursorOutcomeSchema.parse(outcome);
}

/**
 * The window's API (the IPC contract) as a thin adapter over the application layer: each request calls one use case
 * and returns its outcome's view; the pushed snapshots and log rows are derived from the state store. The Electron
 * layer forwards validated IPC to it; the renderer tests reach the same object over a loopback RPC.
 */
export function createWindowApi(app: BridgeApp, clipboard: Clipboard): BridgeApi {
  return {
    getSnapshot: async () => windowSnapshot(await app.refresh()),
    listAliases: async () => aliasRows(app.state.get()),
    runChecks: async () => (await app.checks()).checks,
    recentLog: async () => app.recentRequests(),
    getToken: async () => app.token(),
    rotateToken: async () => app.rotateToken().token,
    copyText: async (text) => {
      await clipboard.copyText(text);
    },
    setTunnel: async (enabled) => (await app.setTunnel(enabled)).tunnel,
    // A write Cursor blocks waits for it to quit; the window shows the wait from the snapshot and can cancel it.
    configureCursor: async (dryRun) => cursorView(dryRun ? await app.previewCursor() : await app.configureCursor({ waitForCursor: true })),
    undoCursor: async () => cursorView(await app.undoCursor({ waitForCursor: true })),
    cancelCursorWait: async () => app.cancelCursorWait(),
    setStartAtLogin: async (enabled) => app.updateSettings({ startAtLogin: enabled }).settings.startAtLogin,
    signIn: (method) => app.signIn({ method }),
    cancelSignIn: async () => app.cancelSignIn(),
    signOut: () => app.signOut(),
    testPublicUrl: () => app.testPublicUrl(),
    inFlightRequests: async () => [...app.state.get().requests.inFlight],
    requestHistory: async (limit, before) => app.requestHistory(limit, before ?? undefined),
    usageReport: async (days) => app.usageReport(days),
    getSettings: async () => app.getSettings(),
    updateSettings: async (change) => app.updateSettings(change),
    onLog(listener) {
      return app.state.subscribe((next, previous) => {
        if (next.requests.last && next.requests.last !== previous.requests.last) listener(next.requests.last);
      });
    },
    onInFlight(listener) {
      return app.state.subscribe((next, previous) => {
        if (next.requests.inFlight !== previous.requests.inFlight) listener([...next.requests.inFlight]);
      });
    },
    onSnapshot(listener) {
      // Most state changes (a finished request) leave the window's snapshot as it was: push only real changes.
      let shown = JSON.stringify(windowSnapshot(app.state.get()));
      return app.state.subscribe((next) => {
        const snapshot = windowSnapshot(next);
        const text = JSON.stringify(snapshot);
        if (text === shown) return;
        shown = text;
        listener(snapshot);
      });
    },
  };
}
