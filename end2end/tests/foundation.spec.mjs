// Foundation: readiness, server rendering, hydration (the slug checker), the demo storefront.
import { test, expect } from './browser.mjs';
import { platformUrl, storefrontUrl, hydrated, port } from './helpers.mjs';

test('readyz reports a ready, migrated database', async ({ request }) => {
  const res = await request.get(platformUrl('/readyz'));
  expect(res.status()).toBe(200);
  const json = await res.json();
  expect(json.status).toBe('ready');
  expect(json.migrations_applied).toBeGreaterThanOrEqual(1);
});

test('the home page is rendered on the server before any script runs', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(platformUrl('/'));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/Every campaign, storefront and sale/);
  await expect(page.getByLabel('Claim your storefront address')).toBeVisible();
  await context.close();
});

test('after hydration the slug checker answers as you type', async ({ page }) => {
  await page.goto(platformUrl('/'));
  await hydrated(page);
  const input = page.getByLabel('Claim your storefront address');
  const result = page.locator('[data-test="slug-result"]');

  await input.fill('demo');
  await expect(result).toHaveAttribute('data-state', 'taken');
  await expect(result).toHaveText(`demo.localhost:${port} is already taken.`);

  const fresh = `brand-${Date.now().toString(36)}`;
  await input.fill(fresh);
  await expect(result).toHaveAttribute('data-state', 'available');
  await expect(result).toContainText(`${fresh}.localhost:${port} is available.`);

  await input.fill('ab');
  await expect(result).toHaveAttribute('data-state', 'invalid');
  await expect(result).toHaveText('Use at least 3 characters.');

  await input.fill('admin');
  await expect(result).toHaveText('That name is reserved. Please choose another.');
});

test('the status page refreshes from the database without reloading', async ({ page }) => {
  await page.goto(platformUrl('/status'));
  await hydrated(page);
  const checked = page.locator('[data-test="checked-at"]');
  const before = await checked.textContent();
  await page.waitForTimeout(1100);
  await page.locator('[data-test="refresh-status"]').click();
  await expect(checked).not.toHaveText(before);
  await expect(page.locator('[data-test="migrations"]')).toHaveText(/^[1-9]\d*$/);
});

test('the demo storefront shows its tenant on its own subdomain', async ({ page }) => {
  await page.goto(storefrontUrl('demo'));
  await expect(page.locator('[data-test="storefront-title"]')).toHaveText('Blue Mountain Roasters');
  // Complete as served: no app bundle and no wasm (only the small enhancement script).
  expect(await page.locator('script[src]:not([src="/storefront.js"])').count()).toBe(0);
  expect(await page.content()).not.toContain('.wasm');
  await expect(page.locator('[data-test="item"]').first()).toBeVisible();
  await expect(page.getByText('Single-estate coffee')).toBeVisible();
  await expect(page).toHaveTitle('Blue Mountain Roasters');
});

test('an unknown storefront is a clear 404', async ({ page }) => {
  const res = await page.goto(storefrontUrl(`nobody-${Date.now().toString(36)}`));
  expect(res.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Storefront not found' })).toBeVisible();
});
