// Browser tests of the SPA, run by `cargo xtask test` against a real `ayuda serve` on a fresh
// database (AYUDA_E2E_URL) with maildev as the SMTP server (MAILDEV_URL). Debian's Chromium:
// Playwright never downloads a browser here.
const { defineConfig } = require('@playwright/test');

module.exports = defineConfig({
  testDir: './specs',
  outputDir: './test-results/output',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: process.env.AYUDA_E2E_URL || 'http://127.0.0.1:8080',
    browserName: 'chromium',
    viewport: { width: 1440, height: 900 },
    locale: 'es-ES',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
    },
  },
});
