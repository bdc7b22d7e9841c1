// Ad data: staff connect a Meta account, upload an Airbyte export with a progress bar, read the run
// report (loaded, rejected with reasons, rows of another account not loaded), open the run's page,
// and see that the same file twice changes nothing and a CSV is refused.
import { test, expect } from '@playwright/test';
import { hydrated, logIn } from './helpers.mjs';

const row = (account, ad, day, spend) => JSON.stringify({
  date_start: day, account_id: account, campaign_id: `c-${ad}`, adset_id: `s-${ad}`, ad_id: ad,
  campaign_name: 'Holiday', account_currency: 'USD', impressions: '1000', clicks: '12', spend,
  actions: [{ action_type: 'purchase', value: '2' }],
});

test('staff upload an ad export and read its run report', async ({ page }) => {
  test.setTimeout(60_000);
  const account = `9${Date.now()}${Math.floor(Math.random() * 1000)}`;
  await logIn(page, 'owner@demo.cadence.test', 'demo owner passphrase');
  await expect(page.locator('[data-test="welcome"]')).toBeVisible();
  await page.goto('/app/data');
  await hydrated(page);
  await page.getByLabel('Account id').fill(`act_${account}`);
  await page.getByLabel('Name').fill('Main Meta account');
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
  await page.getByLabel('File').setInputFiles(file);
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

  // The same file again changes nothing; a CSV is refused with the reason.
  await page.goto('/app/data');
  await hydrated(page);
  await page.getByLabel('File').setInputFiles(file);
  await page.getByRole('button', { name: 'Upload and load' }).click();
  await expect(page.locator('[data-test="run-report"]')).toContainText('loaded before: nothing changed');
  await page.getByLabel('File').setInputFiles({ name: 'export.csv', mimeType: 'text/csv', buffer: Buffer.from('date,spend\n2026-11-01,3.00\n') });
  await page.getByRole('button', { name: 'Upload and load' }).click();
  await expect(page.locator('[data-test="upload-error"]')).toContainText('not JSON lines');
});
