import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'deploy/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // expect.poll waits for something a person would see; on a loaded 2-core machine one second is
    // too short for a browser or a child process to catch up. Failing conditions still fail, later.
    expect: { poll: { timeout: 10_000 } },
    // End-to-end files each start their own stand-ins on ephemeral ports; two workers suit a 2-core machine.
    maxWorkers: 2,
  },
});
