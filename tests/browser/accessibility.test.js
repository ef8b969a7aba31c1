// The chat page against WCAG 2.2 AA, in a real headless Chromium: axe-core (from npm, run in the
// page) finds no serious or critical violation on the main screens — sign-in, the lobby, a room
// as a viewer, a room as a moderator with a user card open, a room on a phone — and the keyboard
// paths hold: a skip link to the message box, focus where the work is, the message list a log,
// and controls that say whose message they act on.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const {
  startStack, stopStack, launchBrowser, signIn, messages, say, statusIs, historyLoaded, enterRoom,
  openUserCard, createRoom,
} = require('./helpers');

const AXE = require.resolve('axe-core/axe.min.js');
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

let main;
let browser;
const pageErrors = [];

before(async () => {
  main = await startStack();
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (main) await stopStack(main);
});

const openPage = (name, admin, options) => signIn(browser, main.url, name, admin, pageErrors, options);

/**
 * Runs axe-core on the page as it is; fails on serious or critical violations and reports the
 * others (the test's diagnostics) so they can be read in the output.
 */
async function audit(t, page, screen) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async (tags) => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
    }));
  }, WCAG);
  for (const v of violations) t.diagnostic(`${screen}: ${v.impact} ${v.id} (${v.help}) at ${v.nodes.join(', ')}`);
  if (violations.length === 0) t.diagnostic(`${screen}: no violations`);
  const blocking = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(blocking, [], `${screen}: no serious or critical violations`);
}

test('axe finds no serious or critical violations on the main screens', async (t) => {
  const alice = await openPage('Alice', true);
  await createRoom(alice, 'access');
  // Before anyone chats (the review function caches a room's policy for a few seconds).
  await alice.fill('#p-blocked', 'spoiler*');
  await alice.click('#policy-form button[type=submit]');
  await alice.locator('#policy-status', { hasText: 'Saved' }).waitFor();
  await say(alice, 'welcome, @bob');

  // Sign-in.
  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto(`${main.url}/`);
  await visitor.waitForFunction(() => document.activeElement && document.activeElement.id === 'name', null, { timeout: 15_000 });
  await audit(t, visitor, 'sign-in');
  await visitor.context().close();

  // The lobby, before a room is picked.
  const bob = await openPage('Bob', false);
  await audit(t, bob, 'lobby');

  // A room as a viewer: own, mentioning, refused and system lines.
  await enterRoom(bob, 'access', 'viewer');
  await say(bob, 'hello there');
  await messages(alice, 'hello there').waitFor();
  await say(bob, 'spoiler: nothing');
  await bob.locator('#messages li.refused').waitFor();
  await audit(t, bob, 'room as a viewer');

  // A room as a moderator (the admin), a user card open.
  await openUserCard(alice, 'hello there');
  await audit(t, alice, 'room as a moderator with the user card open');
  await alice.keyboard.press('Escape');

  // A room on a phone.
  const phone = await openPage('Carol', false, { viewport: { width: 390, height: 844 }, hash: await alice.evaluate(() => location.hash) });
  await statusIs(phone, 'connected as viewer');
  await historyLoaded(phone);
  await audit(t, phone, 'room on a phone');
  assert.deepEqual(pageErrors, []);
});

test('the keyboard: a skip link, focus after sign-in, a log, names on what acts on a message', async () => {
  const alice = await openPage('Alice', true);
  await createRoom(alice, 'keys');
  await say(alice, 'first line');
  const bob = await openPage('Bob', false);
  await enterRoom(bob, 'keys', 'viewer');
  await say(bob, 'a message to act on');
  await messages(alice, 'a message to act on').waitFor();

  // The list is a log (read out as it grows, one message at a time), named after the room.
  assert.equal(await alice.getAttribute('#log', 'role'), 'log');
  assert.equal(await alice.getAttribute('#log', 'aria-live'), null, 'no live region of its own');
  assert.equal(await alice.locator('[aria-live]').count(), 1, 'one small live region: the note under the message box');
  assert.equal(await alice.getByRole('log', { name: 'keys' }).count(), 1);
  assert.equal(await alice.getByLabel('Message to keys').count(), 1, 'the message box has a label');

  // From the top of the page, the first Tab reaches the skip link, which goes straight to the
  // message box.
  await alice.evaluate(() => {
    document.body.tabIndex = -1;
    document.body.focus();
    document.body.removeAttribute('tabindex');
  });
  await alice.keyboard.press('Tab');
  assert.equal(await alice.evaluate(() => document.activeElement.id), 'skip-to-message');
  await alice.keyboard.press('Enter');
  assert.equal(await alice.evaluate(() => document.activeElement.id), 'message');

  // One Shift+Tab back from the message box lands on nothing that bans or deletes.
  await alice.keyboard.press('Shift+Tab');
  const back = await alice.evaluate(() => ({
    text: document.activeElement.textContent,
    className: document.activeElement.className,
  }));
  assert.doesNotMatch(`${back.className} ${back.text}`, /ban|delete|time.?out|kick/i, JSON.stringify(back));
  // The list is one Tab stop: the newest sender's name; the arrow keys move between messages.
  assert.equal(await alice.locator('#messages button:not([tabindex="-1"])').count(), 1);
  assert.equal(back.text, 'Bob');
  const focusedText = () => alice.evaluate(() => document.activeElement.textContent);
  await alice.keyboard.press('ArrowUp');
  assert.equal(await focusedText(), 'Alice');
  await alice.keyboard.press('ArrowDown');
  assert.equal(await focusedText(), 'Bob');

  // What acts on a message says whose it is: the quick delete, and the card's buttons.
  assert.equal(await alice.getByRole('button', { name: 'Delete Bob\'s message: a message to act on', exact: true }).count(), 1);
  await alice.keyboard.press('Enter'); // on Bob's name: his card
  await alice.locator('#user-card[open]').waitFor();
  assert.equal(await alice.evaluate(() => document.activeElement.id), 'card-close', 'focus moves into the card');
  for (const name of ['Time out Bob', 'Kick Bob', 'Ban Bob…', 'Delete Bob\'s message “a message to act on”']) {
    assert.equal(await alice.getByRole('button', { name, exact: true }).count(), 1, name);
  }
  await alice.keyboard.press('Escape');
  await alice.locator('#user-card').waitFor({ state: 'hidden' });
  assert.match(await alice.evaluate(() => document.activeElement.className), /\bname\b/, 'focus goes back to the name');
  assert.deepEqual(pageErrors, []);
});
