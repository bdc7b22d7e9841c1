// Accounts in the browser: sign up, verify by the emailed link, log in, log out, reset a password.
import { test, expect } from './browser.mjs';
import { platformUrl, hydrated, logInAsDemoOwner } from './helpers.mjs';

const unique = () => `e2e-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}@example.com`;

/** Opens the newest mail to `email` in the development mailbox and follows its link. */
async function followMailLink(page, email, subject) {
  await page.goto(platformUrl(`/dev/mailbox?to=${encodeURIComponent(email)}`));
  const mail = page.locator('[data-test="mail"]').first();
  await expect(mail.locator('[data-test="mail-subject"]')).toHaveText(subject);
  const href = await mail.locator('[data-test="mail-link"]').first().getAttribute('href');
  await page.goto(href);
}

async function logIn(page, email, password) {
  await page.goto(platformUrl('/login'));
  await hydrated(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

test('a person signs up, verifies, logs in, logs out and resets the password', async ({ page }) => {
  const email = unique();
  const password = 'correct horse battery staple';

  await page.goto(platformUrl('/signup'));
  await hydrated(page);
  await page.getByLabel('Your name').fill('Ada Brown');
  await page.getByLabel('Work email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.locator('[data-test="check-email"]')).toContainText(email);

  // Logging in before verifying is refused with a clear reason.
  await logIn(page, email, password);
  await expect(page.locator('[data-test="form-error"]')).toContainText('verify your email');

  await followMailLink(page, email, 'Verify your email for Cadence');
  await expect(page.locator('[data-test="verified"]')).toBeVisible();

  await logIn(page, email, password);
  // A new person with no workspace yet goes straight to onboarding.
  await expect(page).toHaveURL(/\/onboarding$/);
  await expect(page.locator('[data-test="user-menu"]')).toHaveText('Ada Brown');

  await page.locator('[data-test="log-out"]').click();
  await expect(page).toHaveURL(platformUrl('/'));
  await page.goto(platformUrl('/app'));
  await expect(page).toHaveURL(/\/login\?next=/);

  // Wrong password: the same message an unknown account gets.
  await logIn(page, email, 'this is not my password');
  await expect(page.locator('[data-test="form-error"]')).toHaveText('That email and password do not match an account.');

  // Reset by emailed link.
  await page.goto(platformUrl('/forgot'));
  await hydrated(page);
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Send reset link' }).click();
  await expect(page.locator('[data-test="check-email"]')).toContainText('choose a new password');
  await followMailLink(page, email, 'Reset your Cadence password');
  await hydrated(page);
  const newPassword = 'a different long passphrase';
  await page.getByLabel('New password', { exact: true }).fill(newPassword);
  await page.getByLabel('Repeat the new password').fill(newPassword);
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expect(page.locator('[data-test="reset-done"]')).toBeVisible();

  await logIn(page, email, newPassword);
  await expect(page).toHaveURL(/\/onboarding$/);
  await expect(page.locator('[data-test="user-menu"]')).toHaveText('Ada Brown');
});

test('weak passwords are refused at sign-up with a reason', async ({ page }) => {
  await page.goto(platformUrl('/signup'));
  await hydrated(page);
  await page.getByLabel('Your name').fill('Weak Pass');
  await page.getByLabel('Work email').fill(unique());
  await page.getByLabel('Password').fill('password1234');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.locator('[data-test="form-error"]')).toContainText('too common');
});

test('the demo owner sees their tenant and its security events', async ({ page }) => {
  await logInAsDemoOwner(page);
  await expect(page.locator('[data-test="current-tenant"]')).toContainText('Blue Mountain Roasters');
  await expect(page.locator('[data-test="current-tenant"]')).toContainText('You are owner in Blue Mountain Roasters');
  await expect(page.locator('[data-test="tenant-list"] li.current')).toContainText('Blue Mountain Roasters');
  await expect(page.getByRole('heading', { name: 'Security events' })).toBeVisible();
  await expect(page.locator('[data-test="denied"]')).toHaveCount(0);
});
