// Shared helpers for the specs: addresses of the server under test and waiting for hydration.
export const port = process.env.CADENCE_E2E_PORT || '3000';
export const platformUrl = (path = '/') => `http://localhost:${port}${path}`;
export const storefrontUrl = (slug, path = '/') => `http://${slug}.localhost:${port}${path}`;

/** Waits until the wasm bundle has hydrated the page (the app marks <body data-hydrated>). */
export async function hydrated(page) {
  await page.waitForSelector('body[data-hydrated="true"]', { state: 'attached' });
}

/** Logs in through the form (optionally asking to go to `next` afterwards). */
export async function logIn(page, email, password, next = '') {
  await page.goto(platformUrl(`/login${next ? `?next=${encodeURIComponent(next)}` : ''}`));
  await hydrated(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
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
