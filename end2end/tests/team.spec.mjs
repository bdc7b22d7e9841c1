// Team: the owner invites a colleague, who signs up, follows the emailed link and joins.
import { test, expect } from './browser.mjs';
import { platformUrl, hydrated, logIn, mailLink, logInAsDemoOwner } from './helpers.mjs';

test('an owner invites a colleague who signs up, accepts and appears in the team', async ({ page }) => {
  const colleague = `mate-${Date.now().toString(36)}@example.com`;
  const password = 'colleague passphrase long';

  await logInAsDemoOwner(page);
  await page.locator('[data-test="team-link"]').click();
  await expect(page.getByRole('heading', { name: 'Team of Blue Mountain Roasters' })).toBeVisible();
  await hydrated(page);
  await page.getByLabel('Email', { exact: true }).fill(colleague);
  await page.getByLabel('Role', { exact: true }).selectOption('analyst');
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.locator('[data-test="invited"]')).toBeVisible();
  await expect(page.locator('[data-test="invitations"]')).toContainText(colleague);
  await page.goto(platformUrl('/app'));
  await page.locator('[data-test="log-out"]').click();
  await expect(page).toHaveURL(platformUrl('/'));

  // The colleague is new: sign up, confirm, log in.
  await page.goto(platformUrl('/signup'));
  await hydrated(page);
  await page.getByLabel('Your name').fill('Mate Colleague');
  await page.getByLabel('Work email').fill(colleague);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.locator('[data-test="check-email"]')).toBeVisible();
  await page.goto(await mailLink(page, colleague, 'Verify your email'));
  await expect(page.locator('[data-test="verified"]')).toBeVisible();
  await logIn(page, colleague, password);
  await expect(page).toHaveURL(platformUrl('/onboarding'));
  await expect(page.locator('[data-test="user-menu"]')).toHaveText('Mate Colleague');

  // Follow the invitation and accept.
  await page.goto(await mailLink(page, colleague, 'You are invited to Blue Mountain Roasters'));
  await expect(page.locator('[data-test="invite-title"]')).toHaveText('Join Blue Mountain Roasters');
  await hydrated(page);
  await page.getByRole('button', { name: 'Accept invitation' }).click();
  await expect(page.locator('[data-test="current-tenant"]')).toContainText('You are analyst in Blue Mountain Roasters');
  await page.goto(platformUrl('/app/team'));
  const me = page.locator('[data-test="member"]', { hasText: colleague });
  await expect(me).toContainText('analyst');
  // An analyst reads the team but cannot manage it, and is told why.
  await expect(page.locator('[data-test="manage-denied"]')).toContainText('`team.manage` privilege; you are analyst in Blue Mountain Roasters');

  // The link is used up.
  const used = await mailLink(page, colleague, 'You are invited to Blue Mountain Roasters');
  await page.goto(used);
  await expect(page.locator('[data-test="form-error"]')).toContainText('already used');
});

test('a new person joins from the invitation link in one step', async ({ page }) => {
  const newcomer = `new-${Date.now().toString(36)}@example.com`;
  await logInAsDemoOwner(page);
  await page.goto(platformUrl('/app/team'));
  await hydrated(page);
  await page.getByLabel('Email', { exact: true }).fill(newcomer);
  await page.getByLabel('Role', { exact: true }).selectOption('viewer');
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.locator('[data-test="invited"]')).toBeVisible();
  await page.context().clearCookies();

  await page.goto(await mailLink(page, newcomer, 'You are invited to Blue Mountain Roasters'));
  await expect(page.locator('[data-test="invite-title"]')).toHaveText('Join Blue Mountain Roasters');
  await hydrated(page);
  await page.getByLabel('Your name').fill('New Comer');
  await page.getByLabel('Choose a password').fill('newcomer passphrase long');
  await page.getByRole('button', { name: 'Create account and join' }).click();
  await expect(page.locator('[data-test="welcome"]')).toHaveText('Welcome, New Comer');
  await expect(page.locator('[data-test="current-tenant"]')).toContainText('You are viewer in Blue Mountain Roasters');
});
