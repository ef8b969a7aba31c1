// The chat page against a Cognito user pool, through the code it runs against Amazon Cognito
// (amazon-cognito-identity-js, vendored): the pool is the stand-in of cognito-stand-in.js, and
// chat-local verifies its tokens from its JWKS (--oidc-issuer), as the deployed API's JWT
// authorizer does. People sign up, confirm with the mailed code, sign in (a wrong password
// refused), reset a forgotten password and chat; an ID token that expires mid-chat is
// refreshed with no disconnect; a refresh token that ran out ends the sign-in; signing out
// closes the chat socket, forgets the tokens and revokes the refresh token.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { startCognito } = require('./cognito-stand-in');
const {
  WAIT, startStack, stopStack, launchBrowser, messages, say, statusIs, historyLoaded,
} = require('./helpers');

let cognito;
let main;
let browser;
const pageErrors = [];
const PASSWORD = 'Correct-horse-7';

before(async () => {
  cognito = await startCognito();
  main = await startStack({ CHAT_LOCAL_OIDC_ISSUER: cognito.issuer, CHAT_LOCAL_OIDC_AUDIENCE: cognito.clientId });
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (main) await stopStack(main);
  if (cognito) await cognito.stop();
  assert.deepEqual(pageErrors, [], 'no page errors');
});

/** A page of its own (its own tab storage) on the chat, its chat sockets counted. */
async function openPage(name) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  page.on('pageerror', (e) => pageErrors.push(`${name}: ${e.message}`));
  page.sockets = [];
  page.on('websocket', (ws) => {
    const socket = { url: ws.url(), closed: false };
    ws.on('close', () => { socket.closed = true; });
    page.sockets.push(socket);
  });
  await page.goto(`${main.url}/`);
  await page.locator('#cg-sign-in').waitFor();
  assert.equal(await page.isVisible('#sign-in-form'), false, 'no dev sign-in against a user pool');
  return page;
}

async function signInAs(page, email, password = PASSWORD) {
  await page.fill('#cg-email', email);
  await page.fill('#cg-password', password);
  await page.click('#cg-sign-in button[type=submit]');
}

/** What this tab keeps of a Cognito sign-in. */
const storedTokens = (page) => page.evaluate(() => Object.keys(sessionStorage)
  .filter((k) => k.startsWith('CognitoIdentityServiceProvider.')));

/** Calls the App API from the page with `token`; resolves to the status. */
const statusWith = (page, token) => page.evaluate(async (t) => (await fetch('/rooms', { headers: { authorization: `Bearer ${t}` } })).status, token);

const currentToken = (page) => page.evaluate(async () => (await import('/js/state.js')).state.session.token);

async function picture(page, file) {
  if (!process.env.SCREENSHOT_DIR) return;
  const dir = path.resolve(__dirname, '..', '..', process.env.SCREENSHOT_DIR);
  await page.screenshot({ path: path.join(dir, file) });
}

test('sign up with a confirmation code, sign in, chat, and sign out for good', async () => {
  // Ann signs up on the page: a weak password is refused by the pool, a wrong code too.
  const ann = await openPage('Ann');
  await picture(ann, 'chat-sign-in.png');
  await ann.click('button[data-goto="sign-up"]');
  await ann.fill('#cg-new-name', 'Ann');
  await ann.fill('#cg-new-email', 'ann@example.com');
  await ann.fill('#cg-new-password', 'shortpassword');
  await ann.click('#cg-sign-up button[type=submit]');
  await ann.locator('#sign-in-error', { hasText: 'too weak' }).waitFor();
  await ann.fill('#cg-new-password', PASSWORD);
  await ann.click('#cg-sign-up button[type=submit]');
  await ann.locator('#cg-confirm').waitFor();
  assert.match(await ann.textContent('#cg-confirm-text'), /a\*\*\*@example\.com/);
  await ann.fill('#cg-code', '000000' === cognito.lastCode('ann@example.com') ? '111111' : '000000');
  await ann.click('#cg-confirm button[type=submit]');
  await ann.locator('#sign-in-error', { hasText: 'not right' }).waitFor();
  await ann.fill('#cg-code', cognito.lastCode('ann@example.com'));
  await ann.click('#cg-confirm button[type=submit]');
  // Confirmed, she is signed in at once (SRP with the password she just chose).
  await ann.locator('#lobby').waitFor();
  assert.equal(await ann.textContent('#me'), 'Ann (ann@example.com)');
  assert.equal(await ann.isVisible('#new-room'), false, 'not an administrator (yet)');
  assert.equal(await ann.isVisible('#stage-tag'), false, 'no "local" tag against a user pool');

  // An administrator puts her in the admin group; it shows from her next sign-in.
  cognito.addToGroup('ann@example.com', 'admin');
  await ann.click('#sign-out');
  await ann.locator('#cg-sign-in').waitFor();
  assert.deepEqual(await storedTokens(ann), [], 'signed out: no token left in the tab');
  // A wrong password is refused, by the pool's own SRP check.
  await signInAs(ann, 'ann@example.com', 'Wrong-horse-77');
  await ann.locator('#sign-in-error', { hasText: 'Wrong email or password.' }).waitFor();
  await signInAs(ann, 'ANN@example.com');
  await ann.locator('#new-room').waitFor();
  await ann.fill('#room-name', 'stage');
  await ann.click('#new-room button[type=submit]');
  await statusIs(ann, 'connected as admin');
  await historyLoaded(ann);

  // Bob, an account of the pool, joins; they chat under their pool names.
  cognito.addUser('bob@example.com', 'Bob', PASSWORD);
  const bob = await openPage('Bob');
  await signInAs(bob, 'bob@example.com');
  await bob.click('.room-button:has-text("stage")');
  await statusIs(bob, 'connected as viewer');
  await say(bob, 'hello from bob');
  await messages(ann, 'hello from bob').locator('.name', { hasText: 'Bob' }).waitFor();
  await say(ann, 'welcome Bob');
  await messages(bob, 'welcome Bob').locator('.name', { hasText: 'Ann' }).waitFor();

  // Bob signs out: his chat socket closes, his tokens are gone from the tab and from the pool
  // (the refresh token is revoked), and a reload does not bring him back.
  const token = await currentToken(bob);
  assert.equal(await statusWith(bob, token), 200);
  const socket = bob.sockets.at(-1);
  assert.equal(socket.closed, false);
  await bob.click('#sign-out');
  await bob.locator('#cg-sign-in').waitFor();
  await bob.waitForFunction(() => true);
  assert.deepEqual(await storedTokens(bob), []);
  await waitUntil(() => socket.closed, 'the chat socket closes on sign-out');
  await waitUntil(() => cognito.refreshTokensOf('bob@example.com').every((t) => t.revoked), 'the refresh token is revoked');
  assert.equal(await bob.evaluate(async () => (await import('/js/state.js')).state.session), null);
  await bob.reload();
  await bob.locator('#cg-sign-in').waitFor();
  assert.equal(await bob.isVisible('#lobby'), false);
  // No token ever went into a URL.
  for (const page of [ann, bob]) assert.doesNotMatch(page.url(), /eyJ|token|code=/i);
});

test('a forgotten password is reset with a mailed code', async () => {
  cognito.addUser('cleo@example.com', 'Cleo', PASSWORD);
  const cleo = await openPage('Cleo');
  await cleo.click('button[data-goto="forgot"]');
  await cleo.fill('#cg-forgot-email', 'cleo@example.com');
  await cleo.click('#cg-forgot button[type=submit]');
  await cleo.locator('#cg-reset').waitFor();
  await cleo.fill('#cg-reset-code', cognito.lastCode('cleo@example.com', true));
  await cleo.fill('#cg-reset-password', 'Brand-new-pass-9');
  await cleo.click('#cg-reset button[type=submit]');
  await cleo.locator('#sign-in-info', { hasText: 'password is changed' }).waitFor();
  await signInAs(cleo, 'cleo@example.com', PASSWORD);
  await cleo.locator('#sign-in-error', { hasText: 'Wrong email or password.' }).waitFor();
  await signInAs(cleo, 'cleo@example.com', 'Brand-new-pass-9');
  await cleo.locator('#lobby').waitFor();
  // An unknown email gets the same answer as a known one (no account enumeration on the page).
  await cleo.click('#sign-out');
  await cleo.click('button[data-goto="forgot"]');
  await cleo.fill('#cg-forgot-email', 'nobody@example.com');
  await cleo.click('#cg-forgot button[type=submit]');
  await cleo.locator('#cg-reset-text', { hasText: 'If nobody@example.com has an account' }).waitFor();
});

test('an ID token that expires mid-chat is refreshed with no disconnect; a dead refresh token ends the sign-in', async () => {
  // Tokens of 12 s (Cognito's are an hour): the page refreshes them a few seconds before.
  cognito.addUser('dan@example.com', 'Dan', PASSWORD, ['admin']);
  cognito.addUser('eve@example.com', 'Eve', PASSWORD);
  cognito.settings.idTokenSeconds = 12;
  try {
    const dan = await openPage('Dan');
    await signInAs(dan, 'dan@example.com');
    await dan.locator('#new-room').waitFor();
    await dan.fill('#room-name', 'marathon');
    await dan.click('#new-room button[type=submit]');
    await statusIs(dan, 'connected as admin');
    const eve = await openPage('Eve');
    await signInAs(eve, 'eve@example.com');
    await eve.click('.room-button:has-text("marathon")');
    await statusIs(eve, 'connected as viewer');
    const first = await currentToken(eve);
    const refreshesBefore = cognito.calls.filter((c) => c === 'InitiateAuth').length;

    // Chat on across the first token's end.
    for (let i = 0; i < 4; i += 1) {
      await say(eve, `still here ${i}`);
      await messages(dan, `still here ${i}`).waitFor();
      await new Promise((resolve) => setTimeout(resolve, 4000));
    }
    assert.notEqual(await currentToken(eve), first, 'the page took a new ID token');
    assert.equal(await statusWith(eve, first), 401, 'the first token has expired by now');
    assert.equal(await statusWith(eve, await currentToken(eve)), 200);
    assert.ok(cognito.calls.filter((c) => c === 'InitiateAuth').length > refreshesBefore, 'refreshed with the refresh token');
    // The API is called with the new token (a history read), and the chat socket never dropped.
    await eve.evaluate(async () => (await import('/js/api.js')).api('GET', '/rooms'));
    assert.equal(eve.sockets.length, 1, 'one chat socket all along');
    assert.equal(eve.sockets[0].closed, false);
    assert.equal(await eve.textContent('#status'), 'connected as viewer');

    // Her refresh token runs out (30 days, here now): at the next refresh the sign-in ends,
    // saying so, and the chat socket closes.
    cognito.expireRefreshTokens('eve@example.com');
    await eve.locator('#sign-in-error', { hasText: 'Your sign-in has ended' }).waitFor({ timeout: 20_000 });
    await waitUntil(() => eve.sockets[0].closed, 'the chat socket closes when the sign-in ends');
    assert.deepEqual(await storedTokens(eve), []);
  } finally {
    cognito.settings.idTokenSeconds = 3600;
  }
});

async function waitUntil(check, what, ms = WAIT) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) assert.fail(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
