// Playwright configuration: Debian's Chromium (never a downloaded browser), one server from the test script.
import { defineConfig } from '@playwright/test';

const port = process.env.CADENCE_E2E_PORT || '3000';

export default defineConfig({
  testDir: './tests',
  // Multi-page flows on a debug build with two workers on two cores: 30 s left too little room.
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  // One retry: a red run blocks everything, and a spec that passes only on its retry is still
  // reported as "flaky" in the output (with the first attempt's error), so it is seen, not hidden.
  retries: 1,
  reporter: [['list']],
  outputDir: './test-results',
  use: {
    baseURL: `http://localhost:${port}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
    },
  },
});
