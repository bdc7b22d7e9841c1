// The admin panel: a tenant admin stores a credential (seen only masked) and an API key used with
// curl until it is revoked; a platform admin suspends and reactivates a tenant; support access to
// an account is requested, approved, shown with its banner and ended — all in the audit log.
import { test, expect } from './browser.mjs';
import { platformUrl, storefrontUrl, hydrated, logIn, newBrand, unique, curlJson, enableMfa } from './helpers.mjs';

const password = 'admin panel passphrase';
const staff = ['support@cadence.test', 'demo support passphrase'];

test.setTimeout(90_000);

test('a tenant admin stores a credential masked, and an API key works with curl until revoked', async ({ page }) => {
  const slug = unique('keys');
  await newBrand(page, 'Kira Keys', `${slug}@example.com`, password, 'Keys & Co', slug);
  // Credential changes and exports need two-factor; turning it on counts as a fresh code.
  await enableMfa(page);

  await page.locator('[data-test="admin-link"]').click();
  // Workspace settings first: the time zone reports use, and what the plan includes.
  await expect(page.getByRole('heading', { name: 'Workspace', exact: true })).toBeVisible();
  await expect(page.locator('[data-test="plan"]')).toContainText('REST API keys');
  await hydrated(page);
  await page.getByLabel('Time zone').selectOption('America/Jamaica');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('[data-test="workspace-saved"]')).toBeVisible();
  await page.getByRole('link', { name: 'Credentials' }).click();
  await expect(page.getByRole('heading', { name: 'Platform credentials' })).toBeVisible();
  await hydrated(page);
  const meta = page.locator('[data-test="credential-meta"]');
  await expect(meta).toContainText('Not set');
  // Too short: refused, nothing stored.
  await meta.locator('input[name="secret"]').fill('short');
  await meta.locator('input[name="secret"]').evaluate((i) => i.removeAttribute('minlength'));
  await meta.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('[data-test="form-error"]')).toContainText('at least 8 characters');
  await expect(meta).toContainText('Not set');
  const token = 'EAABsbCS1iHgBAKZCtoken9876';
  await meta.locator('input[name="secret"]').fill(token);
  await meta.getByRole('button', { name: 'Save' }).click();
  await expect(meta.locator('[data-test="masked"]')).toContainText('by Kira Keys, ending in 9876');
  await page.reload();
  await expect(meta.locator('[data-test="masked"]')).toContainText('ending in 9876');
  expect(await page.content()).not.toContain(token);

  // An API key, shown once, used with curl.
  await page.getByRole('link', { name: 'API keys' }).click();
  await expect(page.getByRole('heading', { name: 'API keys' })).toBeVisible();
  await hydrated(page);
  await page.getByLabel('Name').fill('Warehouse sync');
  await page.getByLabel('Role').selectOption('analyst');
  await page.getByRole('button', { name: 'Create key' }).click();
  const secret = (await page.locator('[data-test="secret"]').textContent()).trim();
  expect(secret).toMatch(/^cad_/);
  await expect(page.locator('[data-test="api-key"]')).toHaveCount(1);
  let [status, body] = curlJson(platformUrl('/api/v1/orders?limit=5'), secret);
  expect(status).toBe(200);
  expect(Array.isArray(body.data)).toBe(true);
  [status, body] = curlJson(platformUrl('/api/v1/performance'), secret);
  expect(status).toBe(200);
  await page.reload();
  await expect(page.locator('[data-test="api-key"] [data-test="last-used"]')).not.toHaveText('Never used');
  expect(await page.content()).not.toContain(secret);

  // Revoked: the very next call fails.
  await hydrated(page);
  await page.getByRole('button', { name: 'Revoke Warehouse sync' }).click();
  await expect(page.locator('[data-test="api-key"] [data-test="state"]')).toHaveText('revoked');
  [status, body] = curlJson(platformUrl('/api/v1/orders'), secret);
  expect(status).toBe(401);
  expect(body.message).toContain('revoked');

  // The audit log shows each step, and filters by action.
  await page.getByRole('link', { name: 'Audit log' }).click();
  await expect(page.locator('[data-test="audit-rows"]')).toContainText('credential.set');
  await expect(page.locator('[data-test="audit-rows"]')).toContainText('api_key.created');
  await expect(page.locator('[data-test="audit-rows"]')).toContainText('api_key.revoked');
  await expect(page.locator('[data-test="audit-rows"]')).toContainText('tenant.settings');
  await page.goto(platformUrl('/app/admin/audit?action=api_key.revoked'));
  await expect(page.locator('[data-test="audit-row"]')).toHaveCount(1);
  const csv = await page.request.get(platformUrl('/app/admin/export/audit?format=csv&action=credential.set'));
  expect(csv.status()).toBe(200);
  expect(await csv.text()).toContain('credential.set');
  expect(await csv.text()).not.toContain(token);
  const review = await page.request.get(platformUrl('/app/admin/export/access-review?format=json'));
  expect((await review.json())[0].email).toBe(`${slug}@example.com`);
});

test('a platform admin suspends a tenant: storefront and API stop serving it, then it is reactivated', async ({ browser }) => {
  const slug = unique('susp');
  const owner = await (await browser.newContext()).newPage();
  await newBrand(owner, 'Sam Suspended', `${slug}@example.com`, password, 'Suspense Supplies', slug);
  await owner.goto(platformUrl('/app/admin/api-keys'));
  await hydrated(owner);
  await owner.getByLabel('Name').fill('Reporting');
  await owner.getByRole('button', { name: 'Create key' }).click();
  const secret = (await owner.locator('[data-test="secret"]').textContent()).trim();
  expect(curlJson(platformUrl('/api/v1/catalog'), secret)[0]).toBe(200);
  const before = await owner.goto(storefrontUrl(slug, '/'));
  expect(before.status()).not.toBe(503);

  // A signed-in non-staff person does not even see the platform area.
  await owner.goto(platformUrl('/platform'));
  await expect(owner.locator('[data-test="platform-tenants"]')).toHaveCount(0);

  const admin = await (await browser.newContext()).newPage();
  await logIn(admin, ...staff);
  await admin.waitForURL(/\/app|\/onboarding/);
  await admin.goto(platformUrl(`/platform?q=${slug}`));
  const row = admin.locator(`[data-test="platform-tenant"][data-slug="${slug}"]`);
  await expect(row.locator('[data-test="status"]')).toHaveText('active');
  await expect(row).toContainText('Suspense Supplies');
  await hydrated(admin);
  await row.locator('[data-test="suspend-open"]').click();
  await row.getByLabel('Reason (shown to its members)').fill('Unpaid invoices since October');
  await row.locator('[data-test="suspend"]').click();
  await expect(row.locator('[data-test="status"]')).toHaveText('suspended');

  const during = await owner.goto(storefrontUrl(slug, '/'));
  expect(during.status()).toBe(503);
  await expect(owner.getByRole('heading', { name: 'Storefront unavailable' })).toBeVisible();
  const [status, body] = curlJson(platformUrl('/api/v1/catalog'), secret);
  expect(status).toBe(403);
  expect(body.error).toBe('tenant_suspended');
  await owner.goto(platformUrl('/app'));
  await expect(owner.locator('[data-test="suspended-notice"]')).toContainText('Unpaid invoices since October');

  await row.locator('[data-test="reactivate"]').click();
  await expect(row.locator('[data-test="status"]')).toHaveText('active');
  expect(curlJson(platformUrl('/api/v1/catalog'), secret)[0]).toBe(200);
  expect((await owner.goto(storefrontUrl(slug, '/'))).status()).toBe(before.status());
  await owner.goto(platformUrl('/app/admin/audit?action=tenant.suspended'));
  await expect(owner.locator('[data-test="audit-row"]')).toHaveCount(1);
  await expect(owner.locator('[data-test="audit-rows"]')).toContainText('Unpaid invoices since October');
  await owner.goto(platformUrl('/app/admin/audit?action=tenant.reactivated'));
  await expect(owner.locator('[data-test="audit-row"]')).toHaveCount(1);
});

test('support access is requested, approved, shown with a banner, limited, ended, and audited', async ({ browser }) => {
  const slug = unique('imp');
  const owner = await (await browser.newContext()).newPage();
  await newBrand(owner, 'Uma User', `${slug}@example.com`, password, 'Impersonation Imports', slug);
  // Approving support access needs two-factor (fresh from turning it on).
  await enableMfa(owner);

  const admin = await (await browser.newContext()).newPage();
  await logIn(admin, ...staff);
  await admin.waitForURL(/\/app|\/onboarding/);
  await admin.goto(platformUrl(`/platform?q=${slug}`));
  await admin.getByRole('link', { name: 'Request access' }).click();
  await hydrated(admin);
  await admin.getByLabel('Person', { exact: true }).selectOption({ label: `Uma User <${slug}@example.com> — owner` });
  await admin.getByLabel('Reason (the person sees it)').fill('Ticket 4411: the Meta import shows no spend');
  await admin.getByRole('button', { name: 'Send request' }).click();
  await expect(admin.locator('[data-test="requested"]')).toBeVisible();
  await expect(admin.locator('[data-test="grant"]').first()).toContainText('requested');

  // The user approves on their home page.
  await owner.goto(platformUrl('/app'));
  const request = owner.locator('[data-test="access-request"]');
  await expect(request).toContainText('Ticket 4411');
  await hydrated(owner);
  await request.locator('[data-test="approve"]').click();
  await expect(request.locator('[data-test="live"]')).toBeVisible();

  // Staff start the session: a banner on every page, the user's tenant, no password changes.
  await admin.reload();
  await hydrated(admin);
  await admin.locator('[data-test="start"]').first().click();
  await admin.waitForURL(platformUrl('/app'));
  await expect(admin.locator('[data-test="impersonation-banner"]')).toContainText('acting as Uma User');
  await expect(admin.locator('[data-test="current-tenant"]')).toContainText('Impersonation Imports');
  await admin.goto(platformUrl('/app/admin/credentials'));
  await expect(admin.locator('[data-test="impersonation-banner"]')).toBeVisible();
  await hydrated(admin);
  await admin.locator('[data-test="credential-telegram"] input[name="secret"]').fill('123456:telegram-bot-token');
  await admin.locator('[data-test="credential-telegram"]').getByRole('button', { name: 'Save' }).click();
  await expect(admin.locator('[data-test="form-error"]')).toContainText('cannot change credentials');
  await admin.goto(platformUrl('/app'));
  await hydrated(admin);
  await admin.getByLabel('Current password', { exact: true }).fill(password);
  await admin.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
  await admin.getByLabel('Repeat the new password').fill('a brand new passphrase');
  await admin.getByRole('button', { name: 'Change password' }).click();
  await expect(admin.locator('[data-test="form-error"]')).toContainText('cannot change passwords');

  // Staff end it: the banner goes, and the grant is over.
  await admin.locator('[data-test="end-impersonation"]').click();
  await admin.waitForURL(platformUrl('/platform/access'));
  await expect(admin.locator('[data-test="impersonation-banner"]')).toHaveCount(0);
  await expect(admin.locator('[data-test="grant-state"]').first()).toHaveText('ended');

  // Everything is in the tenant's audit log, with both identities.
  await owner.goto(platformUrl('/app/admin/audit?action=impersonation.'));
  const rows = owner.locator('[data-test="audit-rows"]');
  for (const action of ['impersonation.requested', 'impersonation.approved', 'impersonation.started', 'impersonation.action', 'impersonation.ended']) {
    await expect(rows).toContainText(action);
  }
  await expect(rows.locator('[data-test="acting-as"]').first()).toContainText('as Uma User');
  await owner.goto(platformUrl('/app/admin/audit?action=access.denied'));
  await expect(owner.locator('[data-test="audit-rows"]')).toHaveCount(0);
});
