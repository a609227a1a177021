// Shared steps of the browser tests: emails from maildev, API set-up, checks every page gets.
const { expect } = require('@playwright/test');
const AxeBuilder = require('@axe-core/playwright').default;
const fs = require('fs');
const path = require('path');

const MAILDEV = process.env.MAILDEV_URL || 'http://127.0.0.1:1080';
const ADMIN_EMAIL = process.env.AYUDA_E2E_ADMIN_EMAIL || 'admin@ayuda.test';
const ADMIN_PASSWORD = process.env.AYUDA_E2E_ADMIN_PASSWORD || 'admin-password-e2e';
const SHOTS = path.join(__dirname, '..', 'test-results', 'screens');

/** A unique suffix, so tests never share accounts or titles. */
function unique() {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

/** Waits for the newest email to `to` whose subject matches, and returns it. */
async function emailTo(to, subject = /./, timeout = 30_000) {
  const started = Date.now();
  while (Date.now() - started < timeout) {
    const res = await fetch(`${MAILDEV}/email`);
    const all = await res.json();
    const found = all
      .filter((m) => m.to.some((t) => t.address.toLowerCase() === to.toLowerCase()))
      .filter((m) => subject.test(m.subject))
      .pop();
    if (found) return found;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no email to ${to} matching ${subject} within ${timeout} ms`);
}

/** The first link in an email's text that starts with `prefix` (e.g. `/activate`). */
function linkIn(email, prefix) {
  const links = email.text.match(/https?:\/\/[^\s<>"]+/g) || [];
  const link = links.find((l) => new URL(l).pathname.startsWith(prefix));
  if (!link) throw new Error(`no ${prefix} link in: ${email.text}`);
  return link;
}

/** axe-core on the current page: no serious or critical violations. */
async function expectAccessible(page, what) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const summary = bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  expect(summary, `accessibility of ${what}`).toEqual([]);
}

/** Saves a screenshot of the page as a test artifact (tests/e2e/test-results/screens). */
async function shot(page, name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** Logs in through the API (set-up steps that are not what a test is about). */
async function apiLogin(request, login, password) {
  const res = await request.post('/api/v1/auth/login', { data: { login, password } });
  expect(res.status(), `login of ${login}`).toBe(200);
  return (await res.json()).access_token;
}

/** Logs in through the sign-in form. */
async function uiLogin(page, login, password) {
  await page.goto('/login');
  await page.locator('#login').fill(login);
  await page.locator('#password').fill(password);
  await page.locator('form button[type=submit]').click();
  await expect(page).not.toHaveURL(/\/login/);
}

/** Registers through the UI, activates by the emailed link; returns the account. */
async function registerAndActivate(page, name) {
  const email = `${unique()}@customer.test`;
  const password = 'una frase secreta';
  await page.goto('/register');
  await page.locator('#email').fill(email);
  await page.locator('#name').fill(name);
  await page.locator('form button[type=submit]').click();
  await expect(page.getByRole('status')).toBeVisible();
  const welcome = await emailTo(email);
  await page.goto(linkIn(welcome, '/activate'));
  await page.locator('#password').fill(password);
  await page.locator('#confirm').fill(password);
  return { email, password };
}

/** An agent invited by the admin and activated: their login. */
async function newAgent(request, name) {
  const admin = { headers: { Authorization: `Bearer ${await apiLogin(request, ADMIN_EMAIL, ADMIN_PASSWORD)}` } };
  const email = `${unique()}@agent.test`;
  const res = await request.post('/api/v1/users', { ...admin, data: { email, name, role: 'agent' } });
  expect(res.status()).toBe(201);
  const invitation = await emailTo(email);
  const token = new URL(linkIn(invitation, '/activate')).searchParams.get('token');
  const activated = await request.post('/api/v1/auth/activate', { data: { token, password: 'una frase secreta' } });
  expect(activated.status()).toBe(200);
  return { email, password: 'una frase secreta', name };
}

/** A real 1x1 PNG: the server sniffs the type from the bytes. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

module.exports = {
  PNG, ADMIN_EMAIL, ADMIN_PASSWORD, emailTo, linkIn, expectAccessible, shot, apiLogin,
  uiLogin, registerAndActivate, newAgent, unique,
};
