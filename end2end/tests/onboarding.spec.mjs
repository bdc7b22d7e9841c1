// Onboarding: a new person walks the wizard for each profile type, leaving and resuming mid-way,
// and lands on the new tenant's dashboard; the sole owner cannot demote themselves.
import { test, expect } from './browser.mjs';
import { platformUrl, hydrated, logIn, mailLink, signUpAndLogIn, unique, enableMfa } from './helpers.mjs';

const password = 'wizard passphrase long';
test.setTimeout(60_000);

async function atStep(page, key) {
  await expect(page.locator('[data-test="wizard"]')).toHaveAttribute('data-step', key);
  await hydrated(page);
}

async function next(page) {
  await page.locator('[data-test="next"]').click();
}

test('a brand walks the wizard, leaves, resumes at the same step and finishes', async ({ page }) => {
  const email = `${unique('brand')}@example.com`;
  const slug = unique('isle');
  await signUpAndLogIn(page, 'Bree Brand', email, password);

  // Right after sign-up the wizard opens.
  await expect(page).toHaveURL(platformUrl('/onboarding'));
  await atStep(page, 'profile');
  await next(page);
  await expect(page.locator('[data-field="profile_type"] [data-test="field-error"]')).toContainText('required');
  await page.getByRole('radio', { name: /Brand/ }).check();
  await next(page);

  await atStep(page, 'identity');
  await expect(page.locator('[data-test="step-count"]')).toHaveText('Step 2 of 4');
  await page.getByLabel('Brand name').fill('Island Threads');
  // The live check says a taken address is taken, and submitting it is refused as well.
  await page.getByLabel('Cadence address').fill('demo');
  await expect(page.locator('[data-test="slug-result"]')).toHaveAttribute('data-state', 'taken');
  await page.getByLabel('Currency').selectOption('KWD');
  await page.getByLabel('Time zone').selectOption('Asia/Kuwait');
  await page.getByLabel('Language').selectOption('ar');
  await page.locator('#f-primary_colour').fill('#0A7');
  await next(page);
  await expect(page.locator('[data-field="slug"] [data-test="field-error"]')).toContainText('already taken');
  await page.getByLabel('Cadence address').fill(slug);
  await expect(page.locator('[data-test="slug-result"]')).toHaveAttribute('data-state', 'available');
  await next(page);

  await atStep(page, 'audience');
  await page.getByLabel('Describe your customers').fill('Young professionals who love island fashion.');
  await page.getByLabel('Main age group').selectOption('25-34');
  await next(page);
  await atStep(page, 'guidelines');

  // Leave: log out, come back later, log in again: the same step, the same answers.
  await page.goto(platformUrl('/app'));
  await expect(page).toHaveURL(platformUrl('/onboarding'));
  await page.context().clearCookies();
  await logIn(page, email, password);
  await expect(page).toHaveURL(platformUrl('/onboarding'));
  await atStep(page, 'guidelines');
  await page.locator('[data-test="back"]').click();
  await atStep(page, 'audience');
  await expect(page.getByLabel('Describe your customers')).toHaveValue('Young professionals who love island fashion.');
  await next(page);
  await atStep(page, 'guidelines');
  await page.getByLabel('Tone of voice').selectOption('friendly');
  await page.getByLabel('Guidelines document').fill('not a link');
  await next(page);
  await expect(page.locator('[data-field="guidelines_url"] [data-test="field-error"]')).toContainText('https://');
  await page.getByLabel('Guidelines document').fill('');
  await page.getByRole('button', { name: 'Finish setup' }).click();

  // The new tenant's dashboard, with this person as its owner and no setup banner.
  await expect(page).toHaveURL(platformUrl('/app'));
  await expect(page.locator('[data-test="current-tenant"]')).toContainText('Island Threads');
  await expect(page.locator('[data-test="current-tenant"]')).toContainText('owner');
  await expect(page.locator('[data-test="setup-banner"]')).toHaveCount(0);
  await page.goto(platformUrl('/onboarding'));
  await expect(page.locator('[data-test="setup-done"]')).toBeVisible();

  // The last-owner guard holds in the team page (role changes need two-factor: turned on first).
  await enableMfa(page);
  await page.goto(platformUrl('/app/team'));
  await hydrated(page);
  const me = page.locator('[data-test="member"]', { hasText: email });
  await me.getByRole('combobox').selectOption('admin');
  await me.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('[data-test="form-error"]').first()).toContainText('at least one owner');
  await me.getByRole('button', { name: 'Leave' }).click();
  await expect(page.locator('[data-test="form-error"]').first()).toContainText('at least one owner');
  await page.reload();
  await expect(page.locator('[data-test="member"]', { hasText: email })).toContainText('owner');

  // Setting up a second workspace: until it is finished, the dashboard says so and links back.
  await page.goto(platformUrl('/app'));
  await hydrated(page);
  await page.locator('[data-test="new-workspace"]').click();
  await expect(page).toHaveURL(platformUrl('/onboarding'));
  await atStep(page, 'profile');
  await page.getByRole('radio', { name: /Creator/ }).check();
  await next(page);
  await atStep(page, 'personal');
  await page.goto(platformUrl('/app'));
  await expect(page.locator('[data-test="current-tenant"]')).toContainText('Island Threads');
  const banner = page.locator('[data-test="setup-banner"]');
  await expect(banner).toContainText('Complete your setup');
  await banner.getByRole('link', { name: 'Continue setup' }).click();
  await atStep(page, 'personal');
});

test('an agency sets up with a team invitation and its first client, then opens the client', async ({ page }) => {
  const email = `${unique('agency')}@example.com`;
  const colleague = `${unique('staff')}@example.com`;
  const clientOwner = `${unique('client')}@example.com`;
  const agencySlug = unique('reach');
  const clientSlug = unique('rum');
  await signUpAndLogIn(page, 'Ada Agency', email, password);
  await expect(page).toHaveURL(platformUrl('/onboarding'));
  await atStep(page, 'profile');
  await page.getByRole('radio', { name: /Agency/ }).check();
  await next(page);

  await atStep(page, 'company');
  await expect(page.locator('[data-test="step-count"]')).toHaveText('Step 2 of 5');
  await page.getByLabel('Agency name').fill('Reach Kingston');
  await page.getByLabel('Cadence address').fill(agencySlug);
  await page.getByLabel('Country').selectOption('JM');
  await page.getByLabel('Time zone').selectOption('America/Jamaica');
  await page.getByLabel('Currency').selectOption('JMD');
  await next(page);

  await atStep(page, 'branding');
  await page.locator('[data-test="skip"]').click();

  await atStep(page, 'team');
  await page.getByLabel('Email').fill('not-an-email');
  await next(page);
  await expect(page.locator('[data-field="rows.0.email"] [data-test="field-error"]')).toBeVisible();
  await page.getByLabel('Email').fill(colleague);
  await page.getByLabel('Role').selectOption('agency_member');
  await next(page);

  // Leave mid-way (a reload is a new visit) and resume at the same step.
  await atStep(page, 'first_client');
  await page.reload();
  await atStep(page, 'first_client');
  await page.getByLabel('Client name').fill('Rum Bar Negril');
  await page.getByLabel("Client's Cadence address").fill(agencySlug);
  await next(page);
  await expect(page.locator('[data-field="client_slug"] [data-test="field-error"]')).toContainText('already used');
  await page.getByLabel("Client's Cadence address").fill(clientSlug);
  await page.getByLabel("Client's currency").selectOption('USD');
  await page.getByLabel("Client's time zone").selectOption('America/Jamaica');
  await page.getByLabel("Client contact's email").fill(clientOwner);
  await page.getByRole('button', { name: 'Finish setup' }).click();

  await expect(page).toHaveURL(platformUrl('/app'));
  await expect(page.locator('[data-test="current-tenant"]')).toContainText('Reach Kingston');
  await page.locator('[data-test="clients-link"]').click();
  const client = page.locator('[data-test="client"]', { hasText: 'Rum Bar Negril' });
  await expect(client).toContainText(clientSlug);
  await hydrated(page);
  await client.getByRole('button', { name: 'Open' }).click();
  await expect(page).toHaveURL(platformUrl('/app'));
  // Reached through the agency role, not a copied membership.
  await expect(page.locator('[data-test="current-tenant"]')).toContainText('Rum Bar Negril');
  await expect(page.locator('[data-test="current-tenant"]')).toContainText('agency managing this tenant');

  // The invitations went out: the colleague to the agency, the client's owner to the client.
  expect(await mailLink(page, colleague, 'You are invited to Reach Kingston')).toContain('/invite?');
  expect(await mailLink(page, clientOwner, 'You are invited to Rum Bar Negril')).toContain('/invite?');
});

test('a creator adds a rate card and a social profile, resuming after a reload', async ({ page }) => {
  const email = `${unique('creator')}@example.com`;
  const slug = unique('cam');
  await signUpAndLogIn(page, 'Cam Creator', email, password);
  await atStep(page, 'profile');
  await page.getByRole('radio', { name: /Creator/ }).check();
  await next(page);

  await atStep(page, 'personal');
  await page.getByLabel('Your name').fill('Cam Creates');
  await page.getByLabel('Cadence address').fill(slug);
  await page.getByLabel('Short bio').fill('Food and travel reels from Kuwait.');
  await page.getByLabel('Currency').selectOption('KWD');
  await page.getByLabel('Time zone').selectOption('Asia/Kuwait');
  await page.getByLabel('Language').selectOption('en');
  await next(page);

  await atStep(page, 'portfolio');
  await page.getByRole('textbox', { name: 'Link' }).fill('https://vimeo.com/cam/reel');
  await next(page);

  await atStep(page, 'rate_card');
  await page.locator('#f-rows-0-service').fill('Instagram reel');
  await page.locator('#f-rows-0-price').fill('120.5');
  await page.locator('#f-rows-0-unit').selectOption('video');
  await page.locator('[data-test="add-row"]').click();
  await page.locator('#f-rows-1-service').fill('Story set');
  await page.locator('#f-rows-1-price').fill('40.1234');
  await page.locator('#f-rows-1-unit').selectOption('story');
  await next(page);
  await expect(page.locator('[data-field="rows.1.price"] [data-test="field-error"]')).toContainText('3 decimal places');
  await page.locator('#f-rows-1-price').fill('40.125');
  await next(page);

  await atStep(page, 'socials');
  await page.reload();
  await atStep(page, 'socials');
  await page.locator('[data-test="back"]').click();
  await atStep(page, 'rate_card');
  await expect(page.locator('#f-rows-0-price')).toHaveValue('120.500');
  await next(page);
  await atStep(page, 'socials');
  await next(page);
  await expect(page.locator('[data-test="rows-error"]')).toContainText('at least 1 profile');
  await page.getByLabel('Profile link').fill('instagram.com/cam');
  await next(page);
  await expect(page.locator('[data-field="rows.0.url"] [data-test="field-error"]')).toContainText('https://');
  await page.getByLabel('Profile link').fill('https://instagram.com/cam');
  await expect(page.locator('[data-test="network"]')).toHaveText('Instagram');
  await page.getByRole('button', { name: 'Finish setup' }).click();

  await expect(page).toHaveURL(platformUrl('/app'));
  await expect(page.locator('[data-test="current-tenant"]')).toContainText('Cam Creates');
});
