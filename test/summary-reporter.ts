import type { UserConsoleLog } from 'vitest';
import type { Reporter, TestModule, Vitest } from 'vitest/node';

/** Shapes of the secrets the suite handles: the fake backend's JWTs, bridge tokens, and any bearer credential. */
const TOKEN_SHAPES: ReadonlyArray<{ kind: string; pattern: RegExp }> = [
  { kind: 'JWT', pattern: /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g },
  { kind: 'bridge token', pattern: /sk-bridge-[A-Za-z0-9_-]{20,}/g },
  // Long enough to be a credential, so "Bearer x" in a test's own request and "Bearer <redacted>" do not count.
  { kind: 'bearer token', pattern: /(?<=\bBearer\s+)[A-Za-z0-9._~+/-]{16,}=*/gi },
];

interface TokenFinding {
  kind: string;
  token: string;
  stream: UserConsoleLog['type'];
  taskId: string | undefined;
}

/** Enough to recognise which token it was, never enough to use it. */
function maskToken(token: string): string {
  return `${token.slice(0, 6)}…(${token.length} chars)`;
}

/** Every distinct token-shaped string in `text` (a bearer JWT is one finding, not two). */
function findTokens(text: string): Array<{ kind: string; token: string }> {
  const found = new Map<string, string>();
  for (const { kind, pattern } of TOKEN_SHAPES) {
    for (const [token] of text.matchAll(pattern)) if (!found.has(token)) found.set(token, kind);
  }
  return [...found].map(([token, kind]) => ({ kind, token }));
}

/**
 * Ends the run with one plain `N passed, N failed` line, which CI reads (vitest's own summary is decorated).
 * It also reads everything the tests print: logs and errors must never carry a token, so each one found fails the run.
 */
export default class SummaryReporter implements Reporter {
  private vitest: Vitest | undefined;
  private readonly findings: TokenFinding[] = [];

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  onUserConsoleLog(log: UserConsoleLog): void {
    for (const { kind, token } of findTokens(log.content)) this.findings.push({ kind, token, stream: log.type, taskId: log.taskId });
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = 0;
    for (const testModule of testModules) {
      let failedHere = 0;
      for (const test of testModule.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failedHere++;
      }
      // A module can fail with no failed test of its own (a throwing beforeAll skips them all): it still counts.
      if (testModule.state() === 'failed' && failedHere === 0) failedHere = 1;
      failed += failedHere;
    }
    // An unhandled error fails the run (vitest exits 1) even when every test passed: count each as a failure.
    failed += unhandledErrors.length;
    for (const finding of this.findings) {
      process.stdout.write(`\nTOKEN IN TEST OUTPUT: ${finding.kind} ${maskToken(finding.token)} on ${finding.stream} of ${this.whereFrom(finding.taskId)}`);
    }
    if (this.findings.length > 0) {
      failed += this.findings.length;
      process.exitCode = 1;
    }
    process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
  }

  private whereFrom(taskId: string | undefined): string {
    const entity = taskId === undefined ? undefined : this.vitest?.state.getReportedEntityById(taskId);
    if (entity === undefined) return 'an unknown test';
    return entity.type === 'module' ? entity.moduleId : `${entity.module.moduleId} > ${entity.fullName}`;
  }
}
