import { defineConfig } from 'vitest/config';

/** Unit tests beside the code, integration and e2e tests under test/; loopback only. */
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    setupFiles: ['test/support/loopback-only.ts'],
    pool: 'forks',
    fileParallelism: true,
    // The machines have two cores; each test file may also run its own redis-server.
    maxWorkers: 2,
    // In CI a JSON report as well, from which .ci/run prints the plain "N passed, N failed".
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: '.ci/report.json' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
