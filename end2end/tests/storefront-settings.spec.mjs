// Storefront settings: staff unpublish a storefront (visitors see "unavailable", no data) and
// publish it again.
import { test, expect } from '@playwright/test';
import { storefrontUrl, hydrated, logIn } from './helpers.mjs';

test('staff unpublish and republish a storefront', async ({ page, browser }) => {
  await logIn(page, 'owner@demo.cadence.test', 'demo owner passphrase');
  await expect(page.locator('[data-test="welcome"]')).toBeVisible();
  await hydrated(page);
  // Work on the second tenant, so the demo storefront stays open for the other specs.
  const kitchen = page.locator('[data-test="tenant-list"] li', { hasText: 'Kingston Kitchen' });
  if (await kitchen.getByRole('button', { name: 'Switch' }).count()) {
    await kitchen.getByRole('button', { name: 'Switch' }).click();
  }
  await expect(page.locator('[data-test="current-tenant"]')).toContainText('Kingston Kitchen');
  await page.goto('/app/storefront');
  await hydrated(page);
  await expect(page.locator('[data-test="published-state"]')).toHaveText('Published');
  await page.getByLabel(/Published: visitors/).uncheck();
  await page.getByLabel('Tagline').fill('Closed for renovation');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.locator('[data-test="published-state"]')).toHaveText('Not published');

  const visitor = await (await browser.newContext()).newPage();
  const res = await visitor.goto(storefrontUrl('kitchen'));
  expect(res.status()).toBe(503);
  await expect(visitor.getByRole('heading', { level: 1 })).toHaveText('Storefront unavailable');
  await expect(visitor.locator('body')).not.toContainText('Kingston Kitchen');

  await page.getByLabel(/Published: visitors/).check();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.locator('[data-test="published-state"]')).toHaveText('Published');
  const again = await visitor.goto(storefrontUrl('kitchen'));
  expect(again.status()).toBe(200);
  await expect(visitor.locator('[data-test="storefront-title"]')).toHaveText('Kingston Kitchen');

  // The catalog: add an item, correct its price, and the storefront shows the new price.
  const title = `Patty box ${Date.now().toString(36)}`;
  await page.goto('/app/catalog');
  await hydrated(page);
  await page.getByLabel('Title').fill(title);
  await page.getByLabel(/^Price/).fill('12.5');
  await page.getByRole('button', { name: 'Add item' }).click();
  const row = page.locator('[data-test="catalog-item"]', { hasText: title });
  await expect(row).toContainText('12.50 USD');
  await row.locator('[data-test="edit-item"]').click();
  await expect(page.getByRole('heading', { name: 'Edit item' })).toBeVisible();
  await hydrated(page);
  await expect(page.getByLabel('Title')).toHaveValue(title);
  await page.getByLabel(/^Price/).fill('13.755');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.locator('[data-test="form-error"]')).toContainText('2 decimal places');
  await page.getByLabel(/^Price/).fill('13.75');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(row).toContainText('13.75 USD');
  await visitor.goto(storefrontUrl('kitchen'));
  await expect(visitor.locator('[data-test="item"]', { hasText: title })).toContainText('13.75 USD');
});
