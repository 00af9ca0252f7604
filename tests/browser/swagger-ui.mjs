// Drives Swagger UI (/api/docs) in headless Chromium the way a person would: Authorize with
// the OAuth2 password flow, then "Try it out" and "Execute" on GET /api/v1/features, and
// checks that the page shows a live 200 with feature data and that the request carried the
// bearer token the login returned. Saves screenshots; exits 1 with a reason on any failure.
//
// Run by scripts/browser-test.sh, which starts the service and creates the user.
//
// Environment (all but the first three have defaults):
//   EBO_TEST_BASE_URL   the running service, e.g. http://127.0.0.1:8000
//   EBO_TEST_USERNAME   an existing user's username
//   EBO_TEST_PASSWORD   that user's password
//   CHROMIUM_BIN        the Chromium executable (default /usr/bin/chromium)
//   SAVED_VARIABLES     the SavedVariables file uploaded through POST /runs/import's file
//                       picker (default ../shared/data/addon/ESOBuildOptimizer.lua beside the repo)
//   ARTIFACT_DIR        where the screenshots go (default target/browser)
//   STEP_TIMEOUT_MS     per-step timeout (default 15000)
//   TOTAL_TIMEOUT_MS    the whole run (default 120000)
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const env = (name, fallback) => {
  const v = process.env[name] ?? fallback;
  if (v === undefined || v === '') {
    console.error(`FAILED: ${name} is not set`);
    process.exit(2);
  }
  return v;
};
const BASE = env('EBO_TEST_BASE_URL').replace(/\/+$/, '');
const USERNAME = env('EBO_TEST_USERNAME');
const PASSWORD = env('EBO_TEST_PASSWORD');
const CHROMIUM = env('CHROMIUM_BIN', '/usr/bin/chromium');
const ARTIFACTS = env('ARTIFACT_DIR', 'target/browser');
const STEP_TIMEOUT = Number(env('STEP_TIMEOUT_MS', '15000'));
const TOTAL_TIMEOUT = Number(env('TOTAL_TIMEOUT_MS', '120000'));
const ORIGIN = new URL(BASE).origin;
const LOGIN_PATH = '/api/v1/auth/login';
const FEATURES_PATH = '/api/v1/features';
const IMPORT_PATH = '/api/v1/runs/import';
const SAVED_VARIABLES = env(
  'SAVED_VARIABLES',
  resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/data/addon/ESOBuildOptimizer.lua'),
);

mkdirSync(ARTIFACTS, { recursive: true });

let browser;
const watchdog = setTimeout(() => {
  console.error(`FAILED: the run took longer than ${TOTAL_TIMEOUT} ms`);
  browser?.close().catch(() => {});
  process.exit(1);
}, TOTAL_TIMEOUT);

class Failure extends Error {}
const check = (ok, message) => {
  if (!ok) throw new Failure(message);
};
const step = (message) => console.log(`  - ${message}`);

async function run(page) {
  // Everything the page asks for, for the checks below and for the log on failure.
  const featureRequests = [];
  const blocked = [];
  page.on('pageerror', (e) => console.log(`    page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') console.log(`    console error: ${m.text()}`);
  });
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.origin === ORIGIN && url.pathname === FEATURES_PATH) featureRequests.push(r);
  });
  // Hermetic: nothing outside the service under test (fonts, validator badge, ...).
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('data:') || url.startsWith('blob:') || new URL(url).origin === ORIGIN) {
      return route.continue();
    }
    blocked.push(url);
    return route.abort('blockedbyclient');
  });

  step(`open ${BASE}/api/docs`);
  const docs = await page.goto(`${BASE}/api/docs`, { waitUntil: 'load' });
  check(docs && docs.status() === 200, `GET /api/docs answered ${docs?.status()}`);
  await page.locator('.swagger-ui .information-container .title').waitFor();
  const title = (await page.locator('.swagger-ui .information-container .title').innerText()).trim();
  step(`Swagger UI rendered "${title.split('\n')[0]}"`);

  step('Authorize: OAuth2 password flow');
  await page.locator('.scheme-container .auth-wrapper button.authorize').click();
  const dialog = page.locator('.dialog-ux .modal-ux');
  await dialog.waitFor();
  // The scheme's section (by its name: after login its inputs give way to "Authorized").
  const oauth = dialog.locator('.auth-container').filter({ hasText: 'OAuth2PasswordBearer' });
  check((await oauth.count()) === 1, 'the Authorize dialog has no OAuth2PasswordBearer section');
  check((await oauth.locator('#oauth_username').count()) === 1, 'the OAuth2 section has no password form');
  await oauth.locator('#oauth_username').fill(USERNAME);
  await oauth.locator('#oauth_password').fill(PASSWORD);
  // The API's one scope, so the form is complete (the server ignores scopes).
  // Swagger UI hides the checkbox itself and styles its label; click the label, as a person would.
  const scopes = oauth.locator('.scopes input[type=checkbox]');
  for (let i = 0; i < (await scopes.count()); i += 1) {
    const id = await scopes.nth(i).getAttribute('id');
    await oauth.locator(`label[for="${id}"]`).click();
    check(await scopes.nth(i).isChecked(), `the scope checkbox ${id} did not check`);
  }
  const login = page.waitForResponse(
    (r) => new URL(r.url()).pathname === LOGIN_PATH && r.request().method() === 'POST',
  );
  await oauth.locator('button.authorize').click();
  const loginResponse = await login;
  check(
    loginResponse.status() === 200,
    `the token request POST ${LOGIN_PATH} answered ${loginResponse.status()}: ${await loginResponse.text().catch(() => '')}`,
  );
  const token = (await loginResponse.json()).access_token;
  check(typeof token === 'string' && token.length > 20, 'the token response has no access_token');
  // Swagger UI swaps the form for "Authorized" and a Logout button ("Remove authorization");
  // an error shows in .errors.
  const logout = oauth.locator('button[aria-label="Remove authorization"]', { hasText: 'Logout' });
  const errors = oauth.locator('.errors');
  await logout.or(errors).first().waitFor();
  if (await errors.isVisible()) {
    throw new Failure(`Swagger UI reports an auth error: ${await errors.innerText()}`);
  }
  check(
    (await oauth.innerText()).includes('Authorized'),
    'the OAuth2 section does not say "Authorized" after login',
  );
  step(`authorized as ${USERNAME} (token request ${loginResponse.status()})`);
  await dialog.locator('button.btn-done, button.close-modal').first().click();
  await dialog.waitFor({ state: 'detached' });

  step('GET /api/v1/features: Try it out, Execute');
  const op = page
    .locator('.opblock.opblock-get')
    .filter({ has: page.locator('.opblock-summary-path[data-path="/features"]') });
  check((await op.count()) === 1, `expected one GET /features operation, found ${await op.count()}`);
  // Its padlock shows the operation as authorized (Swagger UI: "authorization button locked").
  const padlock = op.locator('.opblock-summary .authorization__btn');
  const padlockLabel = (await padlock.getAttribute('aria-label')) ?? '';
  check(/\blocked\b/.test(padlockLabel) && !/unlocked/.test(padlockLabel), `the operation's padlock says "${padlockLabel}"`);
  step(`its padlock: "${padlockLabel}"`);
  await op.locator('.opblock-summary').first().click();
  await op.locator('button.try-out__btn').click();
  const features = page.waitForResponse((r) => new URL(r.url()).pathname === FEATURES_PATH);
  await op.locator('button.execute').click();
  const featuresResponse = await features;

  // The request the page actually sent carried the token the login returned.
  check(featureRequests.length === 1, `expected one request to ${FEATURES_PATH}, saw ${featureRequests.length}`);
  const sent = await featureRequests[0].allHeaders();
  check(
    sent.authorization === `Bearer ${token}`,
    `the request carried Authorization ${JSON.stringify(sent.authorization?.slice(0, 30) ?? null)}..., not the login's bearer token`,
  );
  step('the request carried Authorization: Bearer <the token from the login>');

  // What the page shows: the live response's status and body.
  const live = op.locator('.responses-wrapper .live-responses-table');
  await live.waitFor();
  const shownStatus = (await live.locator('tbody .response-col_status').first().innerText()).trim();
  const shownBody = await live.locator('.response-col_description .highlight-code pre, .response-col_description pre.microlight').first().innerText();
  check(
    shownStatus === '200',
    `Swagger UI shows status ${shownStatus} (network: ${featuresResponse.status()}); body: ${shownBody.slice(0, 500)}`,
  );
  let body;
  try {
    body = JSON.parse(shownBody);
  } catch (e) {
    throw new Failure(`the response body shown is not JSON (${e.message}): ${shownBody.slice(0, 500)}`);
  }
  check(Array.isArray(body.features), `the body shown has no "features" array: ${shownBody.slice(0, 500)}`);
  check(body.features.length > 0, 'the body shown has an empty "features" array');
  const first = body.features[0];
  check(
    typeof first.feature_id === 'string' && typeof first.name === 'string',
    `the first feature has no feature_id/name: ${JSON.stringify(first).slice(0, 300)}`,
  );
  step(`Swagger UI shows 200 with ${body.features.length} features (total ${body.total}); first: ${first.name}`);

  await importThroughTheFilePicker(page);

  // The operation from its summary line down to the live response (not the documented ones).
  const shot = join(ARTIFACTS, 'swagger-ui.png');
  const top = await op.locator('.opblock-summary').first().evaluate((e) => e.getBoundingClientRect().top + window.scrollY);
  const box = await live.evaluate((e) => {
    const r = e.getBoundingClientRect();
    return { left: r.left, bottom: r.bottom + window.scrollY };
  });
  const opBox = await op.evaluate((e) => {
    const r = e.getBoundingClientRect();
    return { x: r.left, width: r.width };
  });
  await page.screenshot({
    path: shot,
    fullPage: true,
    clip: { x: opBox.x, y: top, width: opBox.width, height: box.bottom - top + 8 },
  });
  await page.screenshot({ path: join(ARTIFACTS, 'swagger-ui-page.png'), fullPage: true });
  step(`screenshots: ${shot}, ${join(ARTIFACTS, 'swagger-ui-page.png')}`);
  if (blocked.length) step(`blocked ${blocked.length} request(s) to other origins: ${[...new Set(blocked)].join(', ')}`);
}

// POST /runs/import: the multipart `file` field shows as a file picker; a SavedVariables file
// chosen there is uploaded and its runs imported (a new user: every valid run is new).
async function importThroughTheFilePicker(page) {
  step('POST /api/v1/runs/import: Try it out, choose the SavedVariables file, Execute');
  const op = page
    .locator('.opblock.opblock-post')
    .filter({ has: page.locator('.opblock-summary-path[data-path="/runs/import"]') });
  check((await op.count()) === 1, `expected one POST /runs/import operation, found ${await op.count()}`);
  await op.locator('.opblock-summary').first().click();
  await op.locator('button.try-out__btn').click();
  const picker = op.locator('input[type=file]');
  check((await picker.count()) === 1, 'the import operation offers no file picker');
  await picker.setInputFiles(SAVED_VARIABLES);
  const imported = page.waitForResponse((r) => new URL(r.url()).pathname === IMPORT_PATH);
  await op.locator('button.execute').click();
  const response = await imported;
  const live = op.locator('.responses-wrapper .live-responses-table');
  await live.waitFor();
  const shownStatus = (await live.locator('tbody .response-col_status').first().innerText()).trim();
  const shownBody = await live.locator('.response-col_description .highlight-code pre, .response-col_description pre.microlight').first().innerText();
  check(shownStatus === '200', `the import shows status ${shownStatus} (network: ${response.status()}); body: ${shownBody.slice(0, 500)}`);
  const report = JSON.parse(shownBody);
  check(report.imported === 6 && report.rejected?.length === 1, `the import report is not 6 imported, 1 rejected: ${shownBody.slice(0, 500)}`);
  step(`Swagger UI shows 200: ${report.imported} imported, ${report.duplicates} duplicates, rejected ${report.rejected[0].run_id} (${report.rejected[0].field})`);
}

let status = 0;
try {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    timeout: STEP_TIMEOUT * 2,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  console.log(`Chromium ${browser.version()} (${CHROMIUM})`);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(STEP_TIMEOUT);
  const page = await context.newPage();
  try {
    await run(page);
    console.log('browser test: Swagger UI authorized and showed GET /api/v1/features -> 200 with data');
  } catch (e) {
    status = 1;
    const dialog = page.locator('.dialog-ux .modal-ux');
    if (await dialog.isVisible().catch(() => false)) {
      console.error(`(the Authorize dialog says: ${(await dialog.innerText()).replace(/\s+/g, ' ')})`);
    }
    const shot = join(ARTIFACTS, 'swagger-ui-failure.png');
    await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
    console.error(`FAILED: ${e instanceof Failure ? e.message : e.stack ?? e}`);
    console.error(`(screenshot of the page at the failure: ${shot})`);
  }
} catch (e) {
  status = 1;
  console.error(`FAILED: could not drive Chromium at ${CHROMIUM}: ${e.message}`);
} finally {
  await browser?.close().catch(() => {});
  clearTimeout(watchdog);
}
process.exit(status);
