// Takes screenshots of the main pages for a person to look at (not a test): node screenshots.mjs OUTDIR
import { chromium } from '@playwright/test';

const port = process.env.CADENCE_E2E_PORT || '3000';
const out = process.argv[2] || 'screenshots';
const pages = [
  ['home', `http://localhost:${port}/`],
  ['status', `http://localhost:${port}/status`],
  ['storefront', `http://demo.localhost:${port}/`],
  ['not-found', `http://localhost:${port}/nope`],
  ['storefront-missing', `http://nobody.localhost:${port}/`],
  ['signup', `http://localhost:${port}/signup`],
  ['login', `http://localhost:${port}/login`],
  ['mailbox', `http://localhost:${port}/dev/mailbox`],
];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
for (const [name, url] of pages) {
  await page.goto(url);
  await page.waitForTimeout(800);
  if (name === 'home') {
    await page.getByLabel('Claim your storefront address').fill('demo');
    await page.waitForTimeout(800);
  }
  await page.screenshot({ path: `${out}/${name}.png`, fullPage: true });
}
await browser.close();
