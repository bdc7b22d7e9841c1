// The specs' `test`: Playwright's, with the browser's uncaught errors and Rust panics copied to the
// test's output, so a page that never hydrates says why in the failure report.
import { test as base, expect } from '@playwright/test';

const worthReporting = /panicked|RuntimeError|unreachable|hydrat/i;

export const test = base.extend({
  page: async ({ page }, use) => {
    page.on('pageerror', (e) => console.error(`[browser error] ${page.url()}: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && worthReporting.test(m.text())) {
        console.error(`[browser console] ${page.url()}: ${m.text()}`);
      }
    });
    await use(page);
  },
});
export { expect };
