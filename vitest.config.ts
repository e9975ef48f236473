import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['main/**/*.test.ts', 'shared/**/*.test.ts', 'preload/**/*.test.ts', 'renderer/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Two cores: more workers only adds contention for the loopback servers the tests start.
    maxWorkers: 2,
    reporters: ['default', './test/summary-reporter.ts'],
    // Run through vitest's module graph so a test can stand in for the `electron` it imports (it cannot run here).
    server: { deps: { inline: ['electron-store'] } },
  },
});
