// Lists the script and wasm files each page downloads (not a test; bench/wasm.sh prints their
// compressed sizes): CADENCE_E2E_PORT=3400 node wasm-size.mjs > files.json
import { chromium } from '@playwright/test';

const port = process.env.CADENCE_E2E_PORT || '3000';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox'] });
const context = await browser.newContext();
const page = await context.newPage();
let fetched = [];
page.on('response', (r) => {
  const path = new URL(r.url()).pathname;
  if (/\.(wasm|js)$/.test(path)) fetched.push(path);
});
const visit = async (url) => {
  fetched = [];
  await page.goto(url);
  await page.waitForLoadState('networkidle');
  if (!url.includes('demo.localhost')) await page.waitForSelector('body[data-hydrated="true"]', { state: 'attached' });
  return [...new Set(fetched)];
};
const out = {};
out['storefront (/)'] = await visit(`http://demo.localhost:${port}/`);
out['home page (/)'] = await visit(`http://localhost:${port}/`);
await page.goto(`http://localhost:${port}/login`);
await page.waitForSelector('body[data-hydrated="true"]', { state: 'attached' });
await page.getByLabel('Email').fill('owner@demo.cadence.test');
await page.getByLabel('Password', { exact: true }).fill('demo owner passphrase');
await page.getByRole('button', { name: 'Log in' }).click();
await page.waitForURL(/\/app/);
// A fresh context with the session only: nothing cached from the pages above.
const cookies = await context.cookies();
await context.close();
const fresh = await browser.newContext();
await fresh.addCookies(cookies);
const dash = await fresh.newPage();
fetched = [];
dash.on('response', (r) => {
  const path = new URL(r.url()).pathname;
  if (/\.(wasm|js)$/.test(path)) fetched.push(path);
});
await dash.goto(`http://localhost:${port}/app/performance`);
await dash.waitForLoadState('networkidle');
await dash.waitForSelector('body[data-hydrated="true"]', { state: 'attached' });
await dash.locator('.perf-table th button, .perf-table th').first().click().catch(() => {});
await dash.waitForLoadState('networkidle');
out['dashboard (/app/performance)'] = [...new Set(fetched)];
console.log(JSON.stringify(out));
await browser.close();
