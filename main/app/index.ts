/**
 * The application layer: every use case written once, for the CLI, the tray and the window alike. Plain Node; it
 * never prints and never knows which surface called. Each use case returns a typed outcome with its user-facing
 * message; everything a surface shows is derived from one state store (`app.state`: immutable snapshots + subscribe).
 *
 * Use cases (`createBridgeApp(deps)`):
 * - `start()` / `stop()` (one shutdown grace, SHUTDOWN_GRACE_MS) / `restore({ tunnel })` (what the user left on)
 * - `refresh()`: the login and usage limits read again into the state
 * - `checks()`: the prerequisite checks
 * - `token()` / `rotateToken()`
 * - `setTunnel(enabled)`
 * - `previewCursor()` / `configureCursor()` / `undoCursor()` / `cancelCursorWait()` (with the wait while Cursor runs)
 * - `getSettings()` / `updateSettings(change)`: settings.json (electron-store in the app, conf in the CLI) and the secrets
 * - `recentRequests()` / `requestHistory(limit, before)` (past requests from the usage history) / `usageReport(days)`
 * - `signIn({ method })` / `cancelSignIn()` / `signOut()`: ChatGPT sign-in (browser PKCE or device code), progress in `state.signIn`
 * - `testPublicUrl()`: one real request through the public tunnel with the bridge token
 *
 * The state also holds the requests in flight (`requests.inFlight`, from the request log while they run) and each
 * limit window's forecast (`forecasts`, read from the history on refresh and once new limits settle).
 *
 * Side effects are named subscribers (subscribers.ts): re-point Cursor on a new tunnel URL, re-resolve the aliases
 * on a new plan. Derived views: `windowSnapshot`, `aliasRows`, `tunnelLine` (app-state.ts), `bridgeStatus` (status.ts).
 */
export { createBridgeApp, SHUTDOWN_GRACE_MS, SHUTDOWN_NOTICE } from './bridge-app.js';
export type { BridgeApp, BridgeAppDeps, ChecksOutcome, LoginItem, SettingsOutcome, StartOutcome, TokenOutcome, TunnelOutcome } from './bridge-app.js';
export { openConfSettingsFile, type SettingsFile, type SettingsFileOptions } from '../settings/settings-store.js';
export type { SecretCipher } from '../settings/secret-store.js';
export { whenText } from '../../shared/time-text.js';
export { aliasRows, claudeCodeLine, tunnelLine, windowSnapshot, type AppState } from './app-state.js';
export { CURSOR_MAX_ATTEMPTS, CURSOR_RETRY_EVERY_MS, NO_PUBLIC_URL, STOPPED_WAITING, type CursorOutcome } from './cursor.js';
export type { Snapshot, StateStore } from './state-store.js';
export { bridgeStatus, usageLeftLines } from './status.js';
export type { Notice, Notify } from './subscribers.js';
