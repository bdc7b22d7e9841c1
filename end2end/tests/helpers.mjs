// Shared helpers for the specs: addresses of the server under test and waiting for hydration.
import { execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { expect } from "@playwright/test";
export const port = process.env.CADENCE_E2E_PORT || '3000';
export const platformUrl = (path = '/') => `http://localhost:${port}${path}`;
export const storefrontUrl = (slug, path = '/') => `http://${slug}.localhost:${port}${path}`;

/** Waits until the wasm bundle has hydrated the page (the app marks <body data-hydrated>). */
export async function hydrated(page) {
  try {
    await page.waitForSelector('body[data-hydrated="true"]', { state: 'attached', timeout: 25_000 });
  } catch (e) {
    const script = await page.evaluate(() => [...document.scripts].map((s) => s.src || 'inline').join(', ')).catch(() => '?');
    throw new Error(`${page.url()} did not hydrate within 25 s (scripts: ${script}): ${e.message}`);
  }
}

/** Logs in through the form (optionally asking to go to `next` afterwards). */
export async function logIn(page, email, password, next = '') {
  await page.goto(platformUrl(`/login${next ? `?next=${encodeURIComponent(next)}` : ''}`));
  await hydrated(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/**
 * Logs in as the demo owner and makes `tenant` the current workspace. A person lands in the
 * workspace they used last, and the specs run side by side, so another spec may have left the
 * demo owner in the other one.
 */
export async function logInAsDemoOwner(page, tenant = 'Blue Mountain Roasters') {
  await logIn(page, 'owner@demo.cadence.test', 'demo owner passphrase');
  await expect(page.locator('[data-test="welcome"]')).toBeVisible();
  await hydrated(page);
  const row = page.locator('[data-test="tenant-list"] li', { hasText: tenant });
  if (await row.getByRole('button', { name: 'Switch' }).count()) {
    await row.getByRole('button', { name: 'Switch' }).click();
  }
  await expect(page.locator('[data-test="current-tenant"]')).toContainText(tenant);
}

/** The first link of the newest mail with `subject` to `email`, from the development mailbox. */
export async function mailLink(page, email, subject) {
  await page.goto(platformUrl(`/dev/mailbox?to=${encodeURIComponent(email)}`));
  const mail = page.locator('[data-test="mail"]', {
    has: page.locator('[data-test="mail-subject"]', { hasText: subject }),
  }).first();
  return mail.locator('[data-test="mail-link"]').first().getAttribute('href');
}

/** A new person signs up, confirms their address from the mailbox and logs in. */
export async function signUpAndLogIn(page, name, email, password) {
  await page.goto(platformUrl('/signup'));
  await hydrated(page);
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('Work email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.locator('[data-test="check-email"]').waitFor();
  await page.goto(await mailLink(page, email, 'Verify your email'));
  await page.locator('[data-test="verified"]').waitFor();
  await logIn(page, email, password);
}

/** A unique lowercase token for emails and slugs. */
export const unique = (prefix) => `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

/** A new person signs up and walks the wizard as a brand; ends on /app as the new tenant's owner. */
export async function newBrand(page, person, email, password, brand, slug) {
  await signUpAndLogIn(page, person, email, password);
  await page.waitForURL(platformUrl('/onboarding'));
  const step = async (key) => {
    await page.locator(`[data-test="wizard"][data-step="${key}"]`).waitFor();
    await hydrated(page);
  };
  await step('profile');
  await page.getByRole('radio', { name: /Brand/ }).check();
  await page.locator('[data-test="next"]').click();
  await step('identity');
  await page.getByLabel('Brand name').fill(brand);
  await page.getByLabel('Cadence address').fill(slug);
  await page.locator('[data-test="slug-result"][data-state="available"]').waitFor();
  await page.getByLabel('Currency').selectOption('USD');
  await page.getByLabel('Time zone').selectOption('America/Jamaica');
  await page.getByLabel('Language').selectOption('en');
  await page.locator('[data-test="next"]').click();
  await step('audience');
  await page.getByLabel('Describe your customers').fill('People who buy what we make.');
  await page.getByLabel('Main age group').selectOption('25-34');
  await page.locator('[data-test="next"]').click();
  await step('guidelines');
  await page.getByLabel('Tone of voice').selectOption('friendly');
  await page.getByRole('button', { name: 'Finish setup' }).click();
  await page.waitForURL(platformUrl('/app'));
  await page.locator('[data-test="current-tenant"]').waitFor();
}

/** curl, as an API client would call it: [status, parsed JSON body]. */
export function curlJson(url, key) {
  const out = execFileSync('curl', ['-s', '-w', '\n%{http_code}', '-H', `Authorization: Bearer ${key}`, url], { encoding: 'utf8' });
  const lines = out.trimEnd().split('\n');
  const status = Number(lines.pop());
  return [status, JSON.parse(lines.join('\n'))];
}

/** The code an authenticator app shows for a base32 secret at `at` (ms), by RFC 6238 (SHA-1, 6 digits, 30 s). */
export function totp(secret, at = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const h = createHmac('sha1', key).update(counter).digest();
  const o = h[h.length - 1] & 0xf;
  const n = ((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  return String(n % 1_000_000).padStart(6, '0');
}

/**
 * Turns on two-factor from the home page's Security panel; the session then counts as freshly
 * confirmed for ten minutes. Returns { secret, codes, at } (`at`: when the confirming code was made,
 * so the next one is `totp(secret, at + 30_000)`).
 */
export async function enableMfa(page) {
  await page.goto(platformUrl('/app'));
  await hydrated(page);
  await page.locator('[data-test="mfa-start"]').click();
  const secret = (await page.locator('[data-test="mfa-secret"]').textContent()).trim();
  const at = Date.now();
  await page.getByLabel('Code from the app').fill(totp(secret, at));
  await page.getByRole('button', { name: 'Turn on' }).click();
  await page.locator('[data-test="recovery-codes"]').waitFor();
  const codes = await page.locator('[data-test="recovery-code"]').allTextContents();
  return { secret, codes, at };
}
