import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx', 'src/**/*.test.tsx'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // 2 cores: more workers only fight over them; e2e tests spawn their own processes.
    maxWorkers: 2,
  },
});
