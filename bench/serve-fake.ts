/**
 * Child: the project's fake Codex backend, scripted over IPC. It runs in its own process so that its CPU work does
 * not count against the bridge or the load generator.
 * Env: BENCH_AUTH_PATH — where to write an auth.json the fake accepts (the bridge child reads it).
 */
import { startFakeBackend, type FakeStep } from '../test/support/fake-backend/index.js';
import { serveControl } from './child-control.js';
import { installDeltaProbe } from './delta-probe.js';

export interface FakeReady {
  baseUrl: string;
  tokenUrl: string;
}

/** A request as the fake recorded it, reusable to call the fake directly with exactly what the bridge sent. */
export interface RecordedCall {
  headers: Record<string, string>;
  body: unknown;
}

const authPath = process.env.BENCH_AUTH_PATH;
if (!authPath) throw new Error('serve-fake needs BENCH_AUTH_PATH');

const probe = installDeltaProbe();
const fake = await startFakeBackend();
fake.tokens.writeAuthFile(authPath, { expiresInSec: 24 * 3600 });

serveControl(
  { baseUrl: fake.baseUrl, tokenUrl: fake.tokenUrl } satisfies FakeReady,
  {
    enqueue: (steps) => fake.enqueue(...(steps as FakeStep[])),
    // Clears recorded requests too, which would otherwise grow for the whole run.
    reset: () => fake.reset(),
    connectionCount: () => fake.connectionCount,
    /** Monotonic send time of every marked delta since the last call. */
    takeDeltaSendTimes: () => probe.take(),
    lastResponsesRequest: (): RecordedCall | undefined => {
      const last = fake.responsesRequests().at(-1);
      return last && { headers: last.headers, body: last.body };
    },
  },
  () => fake.close(),
);
