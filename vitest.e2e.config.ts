import { defineConfig } from 'vitest/config';

// End-to-end tests drive the built extension in a real Chromium against a real relay process:
// one file at a time (one browser, two cores), generous timeouts for the 30 s revival alarm.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 60_000,
  },
});
