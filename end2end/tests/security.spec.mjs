// Hardening in a real browser: pages hydrate under the Content-Security-Policy with no violation,
// and a form on another site posting into Cadence is refused.
import { test, expect } from './browser.mjs';
import { platformUrl, hydrated, logIn, logInAsDemoOwner } from './helpers.mjs';

test('pages hydrate under the content security policy without a single violation', async ({ page }) => {
  const violations = [];
  page.on('console', (m) => { if (/Content Security Policy|Refused to/.test(m.text())) violations.push(m.text()); });
  await page.goto(platformUrl('/'));
  await hydrated(page);
  await logInAsDemoOwner(page);
  await page.goto(platformUrl('/app/performance'));
  await hydrated(page);
  await expect(page.locator('.leaflet-container')).toBeVisible();
  expect(violations).toEqual([]);
});

test('a form on another site that posts into Cadence is refused', async ({ page }) => {
  await page.route('http://evil.test/', (route) => route.fulfill({
    contentType: 'text/html',
    body: `<form id="f" method="post" action="${platformUrl('/checkout')}"><input name="name" value="x"></form>
           <script>document.getElementById('f').submit()</script>`,
  }));
  const answer = page.waitForResponse((r) => r.url().endsWith('/checkout'));
  await page.goto('http://evil.test/');
  const res = await answer;
  expect(res.status()).toBe(403);
  await expect(page.locator('body')).toContainText('Cross-site request refused');
});
