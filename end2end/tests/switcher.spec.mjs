// The tenant switcher: Ctrl+K, search on the server, arrows and Enter, and the data follows.
import { test, expect } from './browser.mjs';
import { platformUrl, hydrated, logInAsDemoOwner } from './helpers.mjs';

test('the demo owner switches between two tenants with the keyboard', async ({ page }) => {
  await logInAsDemoOwner(page);
  await expect(page.locator('[data-test="current-tenant-name"]')).toHaveText('Blue Mountain Roasters');
  // Logging in loads the workspace page: the shortcut works once its islands have hydrated.
  await hydrated(page);

  // Open with the keyboard, narrow the list on the server, choose with Enter.
  await page.keyboard.press('Control+k');
  const search = page.locator('[data-test="switcher-search"]');
  await expect(search).toBeFocused();
  await search.pressSequentially('king');
  await expect(page.locator('[data-test="switcher-list"] li')).toHaveCount(1);
  await expect(page.locator('[data-test="switcher-list"]')).toContainText('Kingston Kitchen');
  await page.keyboard.press('Enter');
  await expect(page.locator('[data-test="current-tenant"]')).toContainText('Kingston Kitchen');
  await expect(page.locator('[data-test="current-tenant-name"]')).toHaveText('Kingston Kitchen');

  // Back with the arrows: the full list, move to Blue Mountain Roasters, Enter.
  await hydrated(page);
  await page.keyboard.press('Control+k');
  await expect(page.locator('[data-test="switcher-list"] li')).toHaveCount(2);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowUp');
  await expect(page.locator('[data-test="switcher-list"] li.active')).toContainText('Blue Mountain Roasters');
  await page.keyboard.press('Enter');
  await expect(page.locator('[data-test="current-tenant"]')).toContainText('Blue Mountain Roasters');
  await page.keyboard.press('Control+k');
  await page.keyboard.press('Escape');
  await expect(page.locator('[data-test="switcher-list"]')).toHaveCount(0);
});
