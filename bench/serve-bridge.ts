/**
 * Child: the real bridge (composition root, as the CLI starts it) on an ephemeral loopback port, pointed at the fake.
 * Env: BENCH_UPSTREAM, BENCH_TOKEN_URL, BENCH_AUTH_PATH, BENCH_HOME.
 */
import { startBridge } from '../main/bridge.js';
import { resolveConfig } from '../main/config/bridge-config.js';
import { serveControl } from './child-control.js';

export interface ServerReady {
  baseUrl: string;
}

const env = process.env;
const config = resolveConfig(
  {
    CODEX_BRIDGE_UPSTREAM: env.BENCH_UPSTREAM,
    CODEX_REFRESH_TOKEN_URL_OVERRIDE: env.BENCH_TOKEN_URL,
    CODEX_AUTH_PATH: env.BENCH_AUTH_PATH,
    CODEX_BRIDGE_HOME: env.BENCH_HOME,
  },
  { port: 0, host: '127.0.0.1' },
);
const bridge = await startBridge({
  config,
  onInternalError: (error) => console.error('bridge internal error:', error),
  onHistoryProblem: (message) => console.error(`bridge: ${message}`),
});

serveControl({ baseUrl: bridge.baseUrl } satisfies ServerReady, {}, () => bridge.close(100));
