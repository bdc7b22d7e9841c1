// The ad-performance dashboard on the seeded demo tenant: KPI cards, a new date range through the
// filters (kept in the URL), sorting the campaign table after hydration, drilling into a campaign,
// clicking a parish on the map to filter the dashboard, and downloading the table as CSV.
import { test, expect } from './browser.mjs';
import fs from 'node:fs';
import { hydrated, logIn, logInAsDemoOwner } from './helpers.mjs';

const number = (text) => Number(text.replace(/[^0-9.]/g, ''));

test('the ad dashboard filters, sorts, drills down, maps and exports', async ({ page }) => {
  test.setTimeout(90_000);
  await logInAsDemoOwner(page);
  await page.goto('/app/performance');
  await hydrated(page);
  await expect(page.locator('[data-test="kpi-spend"]')).toContainText('USD');
  await expect(page.locator('[data-test="kpi-roas"]')).toContainText('vs previous');
  await expect(page.locator('[data-test="chart"] svg')).toBeVisible();

  // A new date range: the URL carries it, the range line follows.
  await page.getByLabel('Date range').selectOption('last_90');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/range=last_90/);
  await expect(page.locator('[data-test="perf-range"]')).toContainText('compared with');
  await hydrated(page);

  // Sorting in the browser: by name, then by clicks (largest first).
  const table = page.locator('[data-test="campaigns"]');
  await expect(table.locator('[data-test="perf-row"]').first()).toBeVisible();
  await table.getByRole('button', { name: 'Name', exact: true }).click();
  const names = await table.locator('[data-test="perf-row"] td:first-child').allTextContents();
  expect(names).toEqual([...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
  await table.getByRole('button', { name: 'Clicks', exact: true }).click();
  await expect(table.locator('th[aria-sort="descending"]')).toContainText('Clicks');
  const headers = await table.locator('thead th').allTextContents();
  const clicksAt = headers.findIndex((h) => h.startsWith('Clicks'));
  const clicks = (await table.locator(`[data-test="perf-row"] td:nth-child(${clicksAt + 1})`).allTextContents()).map(number);
  expect(clicks.length).toBeGreaterThan(1);
  expect(clicks).toEqual([...clicks].sort((a, b) => b - a));

  // Drill down: the campaign's ad sets and ads.
  await table.getByRole('link', { name: 'Holiday Gift Boxes' }).click();
  await expect(page).toHaveURL(/campaign=23850/);
  await expect(page.locator('[data-test="chip-campaign"]')).toContainText('Holiday Gift Boxes');
  await expect(page.locator('[data-test="adsets"] [data-test="perf-row"]')).toHaveCount(2);
  await expect(page.locator('[data-test="ads"] [data-test="perf-row"]')).toHaveCount(4);
  await page.locator('[data-test="chip-campaign"]').click();
  await expect(page).not.toHaveURL(/campaign=/);

  // The map: click Saint James and the dashboard follows it.
  await hydrated(page);
  const parish = page.locator('#parish-map path[data-region="JM-08"]');
  await expect(parish).toBeVisible();
  const before = await page.locator('[data-test="kpi-spend"] .kpi__value').textContent();
  await parish.click();
  await expect(page).toHaveURL(/region=JM-08/);
  await expect(page.locator('[data-test="chip-region"]')).toContainText('Saint James');
  await expect(page.locator('[data-test="kpi-spend"] .kpi__value')).not.toHaveText(before);
  await expect(table.locator('[data-test="perf-row"]').first()).toBeVisible();

  // The table as CSV, exact values with their currency.
  await hydrated(page);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('[data-test="campaigns-csv"]').click(),
  ]);
  const csv = fs.readFileSync(await download.path(), 'utf8');
  expect(csv.split('\n')[0]).toContain('Name,Platform,Spend');
  expect(csv).toContain('Holiday Gift Boxes');
  expect(csv).toContain(',USD');
});
