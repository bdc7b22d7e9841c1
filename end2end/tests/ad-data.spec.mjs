// Ad data: staff connect a Meta account, upload an Airbyte export with a progress bar, read the run
// report (loaded, rejected with reasons, rows of another account not loaded), open the run's page,
// see that the same file twice changes nothing and a CSV declared as JSON lines is refused; then
// upload a Meta Ads Manager CSV export through an edited column mapping, see the source's "data as
// of", and map a region key the lookup did not know.
import { test, expect } from './browser.mjs';
import { hydrated, logIn, logInAsDemoOwner } from './helpers.mjs';

const row = (account, ad, day, spend) => JSON.stringify({
  date_start: day, account_id: account, campaign_id: `c-${ad}`, adset_id: `s-${ad}`, ad_id: ad,
  campaign_name: 'Holiday', account_currency: 'USD', impressions: '1000', clicks: '12', spend,
  actions: [{ action_type: 'purchase', value: '2' }],
});

test('staff upload an ad export and read its run report', async ({ page }) => {
  test.setTimeout(60_000);
  const account = `9${Date.now()}${Math.floor(Math.random() * 1000)}`;
  await logInAsDemoOwner(page);
  await page.goto('/app/data');
  await hydrated(page);
  await page.getByLabel('Account id', { exact: true }).fill(`act_${account}`);
  await page.getByLabel('Name', { exact: true }).fill('Main Meta account');
  await page.getByRole('button', { name: 'Connect account' }).click();
  await expect(page.locator('[data-test="accounts"]')).toContainText(account);

  const lines = [
    row(account, 'ad1', '2026-11-01', '12.50'),
    row(account, 'ad2', '2026-11-01', '7.25'),
    row(account, 'ad1', '2026-11-02', '3.00'),
    row(account, 'ad3', '2026-13-40', '1.00'),
    row('111222333', 'ad9', '2026-11-01', '99.00'),
  ];
  const file = { name: `insights-${account}.jsonl`, mimeType: 'application/json', buffer: Buffer.from(lines.join('\n')) };
  await page.getByLabel('What the file holds').selectOption('meta.ads_insights');
  await page.getByLabel('File', { exact: true }).setInputFiles(file);
  await page.getByRole('button', { name: 'Upload and load' }).click();
  await expect(page.locator('[data-test="upload-progress"]')).toBeVisible();
  await expect(page.locator('[data-test="upload-progress"]')).toHaveAttribute('value', '100');
  const report = page.locator('[data-test="run-report"]');
  await expect(report.locator('[data-test="report-loaded"]')).toHaveText('3');
  await expect(report.locator('[data-test="report-rejected"]')).toHaveText('1');
  await expect(report.locator('[data-test="report-unmapped"]')).toHaveText('1');
  await expect(report.locator('[data-test="rejects"]')).toContainText('Line 4: date_start is not a date');
  await expect(report).toContainText('111222333');

  // The run's own page, listed under recent loads too.
  await expect(page.locator('[data-test="run"]').first()).toContainText('upload:insights');
  await report.locator('[data-test="run-link"]').click();
  await expect(page.locator('[data-test="run-loaded"]')).toHaveText('3');
  await expect(page.locator('[data-test="run-rejects"]')).toContainText('date_start is not a date');

  // The same file again changes nothing; a CSV declared as JSON lines is refused with the reason.
  await page.goto('/app/data');
  await hydrated(page);
  await page.getByLabel('What the file holds').selectOption('meta.ads_insights');
  await page.getByLabel('File', { exact: true }).setInputFiles(file);
  await page.getByRole('button', { name: 'Upload and load' }).click();
  await expect(page.locator('[data-test="run-report"]')).toContainText('loaded before: nothing changed');
  await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'export.csv', mimeType: 'text/csv', buffer: Buffer.from('date,spend\n2026-11-01,3.00\n') });
  await page.getByRole('button', { name: 'Upload and load' }).click();
  await expect(page.locator('[data-test="upload-error"]')).toContainText('not JSON lines');

  // A Meta Ads Manager export whose link-clicks column was renamed: edit the mapping and load it.
  await page.getByLabel('What the file holds').selectOption('csv:meta');
  const mapping = page.locator('[data-test="csv-mapping-meta"]');
  await mapping.locator('summary').click();
  await mapping.getByLabel('Clicks', { exact: false }).first().fill('Clicks (all)');
  const csv = [
    'Day,Account ID,Campaign name,Campaign ID,Ad name,Ad ID,Region,Impressions,Clicks (all),Amount spent (USD)',
    `2026-11-03,${account},Holiday,c-ad1,Video,ad1,"St. Andrew Parish","1,200",30,"1,234.50"`,
    `2026-11-03,${account},Holiday,c-ad1,Video,ad1,Mo Bay Area,300,4,10.25`,
  ].join('\n');
  await page.getByLabel('File', { exact: true }).setInputFiles({ name: `meta-${account}.csv`, mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Upload and load' }).click();
  const csvReport = page.locator('[data-test="run-report"]');
  await expect(csvReport.locator('[data-test="report-loaded"]')).toHaveText('2');
  await expect(csvReport.locator('[data-test="report-unmapped-regions"]')).toContainText('Mo Bay Area');

  // Freshness per source, and the unknown region key mapped to a parish.
  await expect(page.locator('[data-test="source"]').first()).toContainText('data as of');
  await expect(page.locator('[data-test="unmapped-regions"]')).toContainText('Mo Bay Area');
  const mapRegion = page.locator('[data-test="map-region"]');
  await mapRegion.getByLabel('Region key').fill('Mo Bay Area');
  await mapRegion.getByLabel('Parish').selectOption('JM-08');
  await mapRegion.getByRole('button', { name: 'Map region' }).click();
  await expect(page.locator('[data-test="own-regions"]')).toContainText('Saint James');
  await expect(page.locator('[data-test="no-unmapped"]')).toBeVisible();
});
