// Two-factor authentication: set up with recovery codes, a log-in that asks for the code, and
// step-up before sensitive actions (in place on a form, and on the confirm page before a download).
import { test, expect } from './browser.mjs';
import { createRequire } from 'module';
import { platformUrl, hydrated, logIn, newBrand, unique, totp, enableMfa } from './helpers.mjs';

const require = createRequire(import.meta.url);
const password = 'two factor passphrase';
test.setTimeout(120_000);

test('two-factor is set up, asked at log-in, and asked again before sensitive actions', async ({ browser }) => {
  const slug = unique('mfa');
  const email = `${slug}@example.com`;
  const a = await (await browser.newContext()).newPage();
  await newBrand(a, 'Tess Twofactor', email, password, 'Two Factor Foods', slug);
  // A second session of the same person, signed in before two-factor is on.
  const e = await (await browser.newContext()).newPage();
  await logIn(e, email, password);
  await e.waitForURL(platformUrl('/app'));

  // Without two-factor, a credential change says to turn it on, and nothing is stored.
  await a.goto(platformUrl('/app/admin/credentials'));
  await hydrated(a);
  const meta = a.locator('[data-test="credential-meta"]');
  await meta.locator('input[name="secret"]').fill('EAAB-meta-token-1234');
  await meta.getByRole('button', { name: 'Save' }).click();
  await expect(a.locator('[data-test="mfa-required"]')).toContainText('Turn on two-factor authentication');
  await expect(meta).toContainText('Not set');

  // Set up in a third session: QR code, key, first code, ten recovery codes.
  const b = await (await browser.newContext()).newPage();
  await logIn(b, email, password);
  await b.waitForURL(platformUrl('/app'));
  const { secret, codes, at } = await enableMfa(b);
  expect(codes).toHaveLength(10);
  expect(new Set(codes).size).toBe(10);
  await expect(b.locator('[data-test="mfa-on"]')).toContainText('10 recovery codes left');

  // Log out and in again: the password is not enough.
  await b.locator('[data-test="log-out"]').click();
  await logIn(b, email, password);
  await b.waitForURL(/\/login\/code/);
  await hydrated(b);
  await b.getByLabel('Authentication code').fill('000000');
  await b.getByRole('button', { name: 'Verify' }).click();
  await expect(b.locator('[data-test="form-error"]')).toContainText('not right');
  await b.getByLabel('Authentication code').fill(totp(secret, at + 30_000));
  await b.getByRole('button', { name: 'Verify' }).click();
  await b.waitForURL(platformUrl('/app'));
  await expect(b.locator('[data-test="welcome"]')).toContainText('Tess Twofactor');

  // The first session now needs a fresh code: the form asks in place; then Save goes through.
  await meta.getByRole('button', { name: 'Save' }).click();
  const stepUp = a.locator('[data-test="step-up"]');
  await expect(stepUp).toContainText('Confirm it is you');
  await expect(meta).toContainText('Not set');
  await stepUp.getByLabel('Authentication code').fill(codes[0]);
  await stepUp.getByRole('button', { name: 'Confirm' }).click();
  await expect(a.locator('[data-test="stepped-up"]')).toBeVisible();
  await meta.getByRole('button', { name: 'Save' }).click();
  await expect(meta.locator('[data-test="masked"]')).toContainText('ending in 1234');
  // Still fresh: the orders export downloads at once.
  await a.goto(platformUrl('/app/sales'));
  await hydrated(a);
  const [orders] = await Promise.all([
    a.waitForEvent('download'),
    a.locator('[data-test="export"]').click(),
  ]);
  expect(orders.suggestedFilename()).toBe('orders.csv');
  expect(require('fs').readFileSync(await orders.path(), 'utf8').split('\n')[0]).toBe('number,status,date,name,email,amount,currency,fulfilled,channel,detail');

  // A download in the other early session goes through the confirm page, then starts.
  await e.goto(platformUrl('/app/admin/audit?action=credential.set'));
  await hydrated(e);
  await e.locator('[data-test="export-csv"]').click();
  await e.waitForURL(/\/confirm\?next=/);
  await hydrated(e);
  await e.getByLabel('Authentication code').fill(codes[1]);
  const [download] = await Promise.all([
    e.waitForEvent('download'),
    e.getByRole('button', { name: 'Confirm' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/\.csv$/);
  const csv = require('fs').readFileSync(await download.path(), 'utf8');
  expect(csv).toContain('credential.set');
  // A used recovery code does not work twice.
  await a.goto(platformUrl('/app'));
  await expect(a.locator('[data-test="mfa-on"]')).toContainText('8 recovery codes left');
});
