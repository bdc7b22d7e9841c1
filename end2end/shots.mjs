// Screenshots of the pages a change touched, for people to look at (not a test):
// CADENCE_E2E_PORT=3400 node shots.mjs /tmp/shots
import { chromium } from '@playwright/test';

const port = process.env.CADENCE_E2E_PORT || '3000';
const out = process.argv[2] || 'screenshots';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
const shot = async (name, url) => {
  await page.goto(url);
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: `${out}/${name}.png`, fullPage: true });
};
await shot('storefront-home', `http://demo.localhost:${port}/`);
const item = await page.locator('[data-test="item"] h2 a').first().getAttribute('href');
await shot('storefront-item', `http://demo.localhost:${port}${item}`);
await page.goto(`http://localhost:${port}/login`);
await page.getByLabel('Email').fill('owner@demo.cadence.test');
await page.getByLabel('Password').fill('demo owner passphrase');
await page.getByRole('button', { name: 'Log in' }).click();
await page.waitForURL(/\/app/);
await shot('app-catalog', `http://localhost:${port}/app/catalog`);
await shot('app-storefront-settings', `http://localhost:${port}/app/storefront`);
await shot('app-sales', `http://localhost:${port}/app/sales`);
const record = await page.locator('[data-test="record-link"]').first().getAttribute('href').catch(() => null);
if (record) await shot('app-record', `http://localhost:${port}${record}`);
await shot('app-ad-data', `http://localhost:${port}/app/data`);
await shot('app-performance', `http://localhost:${port}/app/performance`);
await page.waitForTimeout(1500);
await page.screenshot({ path: `${out}/app-performance-map.png`, fullPage: true });
await shot('app-performance-campaign', `http://localhost:${port}/app/performance?range=last_90&campaign=23850`);
await browser.close();
