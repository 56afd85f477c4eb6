import { defineConfig } from 'vitest/config';

// Integration tests: real relay processes (build/relay/cli.js) and a real Redis on REDIS_URL
// (default redis://127.0.0.1:6379), each run under its own key prefix. One file at a time.
export default defineConfig({
  test: {
    include: ['test/integration/**/*.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
