/** Entry point for tests and tools that need the fake Codex backend. */
export { defaultReplyText } from './scenarios.js';
export { startFakeBackend } from './server.js';
export { AUTH_NAMESPACE, CODEX_CLIENT_ID, DEFAULT_FAKE_SECRET, FakeTokenAuthority } from './tokens.js';
export type { AuthDotJson, FakeTokenAuthorityOptions, MintOptions, RefreshFailureKind, VerifyResult } from './tokens.js';
export type * from './types.js';
