import { defineConfig } from 'vitest/config';

// End-to-end tests of the Firefox build (dist-firefox/) in real Firefox ESR over WebDriver BiDi:
// one file at a time, one browser at a time, like the Chromium suite.
export default defineConfig({
  test: {
    include: ['test/e2e-firefox/**/*.e2e.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 60_000,
  },
});
