// Storefront settings and catalog on the "kitchen" demo tenant (this spec owns it): unpublish and
// republish, add and edit an item in the interactive table, upload images, brand the storefront
// (logo, colours, social links) and switch it to Arabic (right to left), then back.
import { test, expect } from './browser.mjs';
import { storefrontUrl, hydrated, logIn, logInAsDemoOwner } from './helpers.mjs';

// A 64×64 green PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAEAAAABACAIAAAAlC+aJAAAAeUlEQVR4nO3PwQkAIBDAsPs7mhs5vUP4CEKhA6Szzv664YIGtKABLWhACxrQgga0oAEtaEALGtCCBrSgAS1oQAsa0IIGtKABLWhACxrQgga0oAEtaEALGtCCBrSgAS1oQAsa0IIGtKABLWhACxrQgga0oAEtaEALHruRcgDE32X38wAAAABJRU5ErkJggg==', 'base64');

test('staff unpublish and republish a storefront', async ({ page, browser }) => {
  test.setTimeout(90_000);
  await logInAsDemoOwner(page, 'Kingston Kitchen');
  // Work on the second tenant, so the demo storefront stays open for the other specs.
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
  await expect(page.locator('[data-test="item-saved"]')).toBeVisible();
  // The table searches, filters and sorts in the browser.
  await page.locator('[data-test="catalog-search"]').fill(title);
  const row = page.locator('[data-test="catalog-item"]', { hasText: title });
  await expect(page.locator('[data-test="catalog-item"]')).toHaveCount(1);
  await expect(row).toContainText('12.50 USD');
  await page.locator('[data-test="catalog-search"]').fill('no such item anywhere');
  await expect(page.locator('[data-test="no-match"]')).toBeVisible();
  await page.locator('[data-test="catalog-search"]').fill('');
  await page.locator('[data-test="catalog-kind"]').selectOption('product');
  await page.locator('[data-test="sort-Price"]').click();
  await page.locator('[data-test="sort-Price"]').click();
  const prices = await page.locator('[data-test="catalog-item"] td.num:nth-of-type(4)').allTextContents();
  const minor = prices.map((p) => Number(p.replace(/[^0-9]/g, '')));
  expect(minor).toEqual([...minor].sort((a, b) => b - a));
  await page.locator('[data-test="catalog-search"]').fill(title);
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

  // Images: a file that is not an image is refused; a PNG becomes the item's cover.
  await page.goto('/app/catalog');
  await hydrated(page);
  await page.locator('[data-test="catalog-search"]').fill(title);
  await row.locator('[data-test="edit-item"]').click();
  await expect(page.locator('[data-test="item-images"]')).toBeVisible();
  await page.getByLabel('Add an image').setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('just text') });
  await page.locator('[data-test="image-upload"]').getByRole('button', { name: 'Upload', exact: true }).click();
  await expect(page.locator('[data-test="upload-error"]')).toContainText('not an image we accept');
  await page.getByLabel('Add an image').setInputFiles({ name: 'patty.png', mimeType: 'image/png', buffer: PNG });
  await page.locator('[data-test="image-upload"]').getByRole('button', { name: 'Upload', exact: true }).click();
  await expect(page.locator('[data-test="upload-ok"]')).toBeVisible();
  await expect(page.locator('[data-test="item-image"] img')).toHaveCount(1);
  await visitor.goto(storefrontUrl('kitchen'));
  const card = visitor.locator('[data-test="item"]', { hasText: title });
  await expect(card.locator('img')).toHaveJSProperty('naturalWidth', 64);

  // Branding: logo, a colour too light is refused, then colours, a social link and Arabic.
  await page.goto('/app/storefront');
  await hydrated(page);
  await page.getByLabel(/Upload a logo/).setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: PNG });
  await page.locator('[data-test="logo-upload"]').getByRole('button', { name: 'Upload', exact: true }).click();
  await expect(page.locator('[data-test="upload-ok"]')).toBeVisible();
  await expect(page.locator('[data-test="logo-preview"]')).toBeVisible();
  await hydrated(page);
  await page.getByLabel(/Brand colour/).fill('#ffee88');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.locator('[data-test="form-error"]')).toContainText('too light');
  await page.getByLabel(/Brand colour/).fill('#0b7a4b');
  await page.getByLabel('Top bar colour').fill('#0b1f3a');
  await page.getByLabel('Instagram').fill('https://www.instagram.com/kingstonkitchen');
  await page.locator('[data-test="language"]').selectOption('ar');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.locator('[data-test="settings-saved"]')).toBeVisible();

  await visitor.goto(storefrontUrl('kitchen'));
  await expect(visitor.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(visitor.locator('html')).toHaveAttribute('lang', 'ar');
  await expect(visitor.locator('[data-test="storefront-logo"]')).toHaveJSProperty('naturalWidth', 64);
  await expect(visitor.locator('[data-test="cart-link"]')).toHaveText('السلة');
  await expect(visitor.locator('[data-test="social-links"] a')).toHaveAttribute('href', 'https://www.instagram.com/kingstonkitchen');
  await expect(visitor.locator('[data-test="item"]', { hasText: title })).toContainText('١٣٫٧٥ USD');
  if (process.env.CADENCE_SCREENSHOTS) {
    await visitor.screenshot({ path: `${process.env.CADENCE_SCREENSHOTS}/storefront-arabic.png`, fullPage: true });
    await page.screenshot({ path: `${process.env.CADENCE_SCREENSHOTS}/storefront-settings.png`, fullPage: true });
  }

  // Back to English (the other kitchen checks read English labels).
  await page.locator('[data-test="language"]').selectOption('en');
  // "Saved." is still shown from the last save: wait for this save's answer instead.
  await Promise.all([
    page.waitForResponse((r) => r.url().includes('/api/save_storefront_settings') && r.ok()),
    page.getByRole('button', { name: 'Save settings' }).click(),
  ]);
  await visitor.goto(storefrontUrl('kitchen'));
  await expect(visitor.locator('html')).toHaveAttribute('dir', 'ltr');
});
