// What Chromium actually transferred for each page, from the browser's own network log (not a test;
// bench/wasm.sh prints it): each page opened in a fresh context (empty cache), every response's
// encoded bytes on the wire (DevTools' Network.loadingFinished encodedDataLength: body as sent plus
// headers), its Content-Encoding and decoded size. CADENCE_E2E_PORT=3400 node wasm-size.mjs > out.json
import { chromium } from '@playwright/test';

const port = process.env.CADENCE_E2E_PORT || '3000';
const browser = await chromium.launch({
  executablePath: process.env.CADENCE_CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

// Records every response of a page through the DevTools protocol.
async function record(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const seen = new Map();
  cdp.on('Network.responseReceived', (e) => {
    const r = e.response;
    const headers = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k.toLowerCase(), v]));
    seen.set(e.requestId, {
      url: r.url, type: e.type, mime: r.mimeType, status: r.status,
      encoding: headers['content-encoding'] || '', cache: headers['cache-control'] || '',
      decoded: 0, transferred: null, fromCache: r.fromDiskCache || false,
    });
  });
  cdp.on('Network.dataReceived', (e) => { const r = seen.get(e.requestId); if (r) r.decoded += e.dataLength; });
  cdp.on('Network.loadingFinished', (e) => { const r = seen.get(e.requestId); if (r) r.transferred = e.encodedDataLength; });
  return seen;
}

function kind(r) {
  const path = new URL(r.url).pathname;
  if (r.type === 'Document') return 'html';
  if (path.endsWith('.wasm') || r.mime === 'application/wasm') return 'wasm';
  if (r.type === 'Script' || path.endsWith('.js')) return 'js';
  if (r.type === 'Stylesheet' || path.endsWith('.css')) return 'css';
  return 'other';
}

async function measure(name, cookies, url, interact) {
  const context = await browser.newContext();
  if (cookies) await context.addCookies(cookies);
  const page = await context.newPage();
  const seen = await record(context, page);
  await page.goto(url);
  await page.waitForLoadState('networkidle');
  if (!url.includes('demo.localhost')) await page.waitForSelector('body[data-hydrated="true"]', { state: 'attached' });
  if (interact) await interact(page);
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(500);
  await context.close();
  const files = [...seen.values()].filter((r) => r.transferred !== null).map((r) => ({
    path: new URL(r.url).pathname, kind: kind(r), status: r.status, encoding: r.encoding,
    cache: r.cache, transferred: r.transferred, decoded: r.decoded,
  }));
  return [name, files];
}

const out = {};
const pages = [];
pages.push(await measure('storefront home (demo.localhost/)', null, `http://demo.localhost:${port}/`));
pages.push(await measure('home page (/)', null, `http://localhost:${port}/`));

// Log in, then open the dashboard in a fresh context holding only the session cookie.
const login = await browser.newContext();
const lp = await login.newPage();
await lp.goto(`http://localhost:${port}/login`);
await lp.waitForSelector('body[data-hydrated="true"]', { state: 'attached' });
await lp.getByLabel('Email').fill('owner@demo.cadence.test');
await lp.getByLabel('Password', { exact: true }).fill('demo owner passphrase');
await lp.getByRole('button', { name: 'Log in' }).click();
await lp.waitForURL(/\/app/);
const cookies = await login.cookies();
await login.close();
pages.push(await measure('dashboard (/app/performance)', cookies, `http://localhost:${port}/app/performance`, async (page) => {
  // Sorting the campaign table loads any lazy island chunk it needs.
  await page.locator('.perf-table th button, .perf-table th').first().click().catch(() => {});
}));
for (const [name, files] of pages) out[name] = files;
console.log(JSON.stringify(out));
await browser.close();
