// The chat page against WCAG 2.2 AA, in a real headless Chromium: axe-core (from npm, run in the
// page) finds no serious or critical violation on the main screens — sign-in, the lobby, a room
// as a viewer, a room as a moderator with a user card open, a room on a phone — and none at all
// with the held queue open (either order), a user card acting on a viewer and the policy editor
// (desktop and phone); the keyboard paths hold: a skip link to the message box, focus where the
// work is and never on the page body, the message list a log, and controls that say whose
// message they act on.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const {
  startStack, stopStack, launchBrowser, signIn, messages, say, statusIs, historyLoaded, enterRoom,
  openUserCard, createRoom, callApi,
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
async function audit(t, page, screen, { strict = false } = {}) {
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
  const blocking = strict ? violations : violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(blocking, [], `${screen}: no ${strict ? '' : 'serious or critical '}violations`);
}

/** What has the focus: a control, or the page body (`body`) while the page has it. */
const focused = (page) => page.evaluate(() => {
  const el = document.activeElement;
  if (!document.hasFocus()) return 'outside the page';
  return el === document.body ? 'body' : `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className ? `.${String(el.className).split(' ').join('.')}` : ''}`;
});

/** The held messages' texts, top to bottom. */
const heldTexts = (page) => page.$$eval('#held li[data-held-id] .text', (els) => els.map((el) => el.textContent));

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
  // The focus comes back with the dialog's close event, a task after it is hidden.
  await alice.waitForFunction(() => document.activeElement !== document.body);
  assert.match(await alice.evaluate(() => document.activeElement.className), /\bname\b/, 'focus goes back to the name');
  assert.deepEqual(pageErrors, []);
});

/** A room whose borderline messages wait for a moderator, with two of Bob's held. */
async function roomWithHeld(name) {
  const alice = await openPage('Alice', true);
  const roomId = await createRoom(alice, name);
  await callApi(alice, 'PATCH', `/rooms/${roomId}`, { policy: { profanity: 'moderate', actions: { borderline: 'hold' } } });
  const bob = await openPage('Bob', false);
  await enterRoom(bob, name, 'viewer');
  await say(bob, 'hello everyone');
  await messages(alice, 'hello everyone').waitFor();
  for (const text of ['damn that was close', 'the cock crowed at dawn']) {
    await say(bob, text);
    await alice.locator('#held li[data-held-id]', { hasText: text }).waitFor();
  }
  return { alice, bob, roomId };
}

test('axe finds nothing at all (wcag22aa included): the held queue in both orders, a user card acting, the policy editor', async (t) => {
  const { alice, roomId } = await roomWithHeld('strict');
  assert.deepEqual(await heldTexts(alice), ['damn that was close', 'the cock crowed at dawn'], 'oldest first');
  await audit(t, alice, 'held queue, oldest first (and the policy editor)', { strict: true });
  await alice.getByLabel('Newest first').check();
  await alice.waitForFunction(() => document.querySelector('#held li[data-held-id] .text').textContent === 'the cock crowed at dawn');
  assert.deepEqual(await heldTexts(alice), ['the cock crowed at dawn', 'damn that was close']);
  await audit(t, alice, 'held queue, newest first', { strict: true });

  // A user card acting on a viewer, then its ban confirmation.
  await openUserCard(alice, 'hello everyone');
  await alice.locator('#card-form').waitFor();
  await audit(t, alice, 'user card acting on a viewer', { strict: true });
  await alice.click('#card-ban');
  await alice.locator('#card-confirm').waitFor();
  await audit(t, alice, 'user card asking to confirm a ban', { strict: true });
  await alice.click('#card-ban-cancel');
  await alice.keyboard.press('Escape');

  // The policy editor on a phone: the moderation pane, alone on the screen.
  const phone = await openPage('Alice', true, { viewport: { width: 390, height: 844 }, hash: `#/rooms/${roomId}` });
  await statusIs(phone, 'connected as admin');
  await historyLoaded(phone);
  await phone.click('#show-mod');
  await phone.locator('#policy-form').waitFor();
  await phone.locator('#held li[data-held-id]').first().waitFor();
  await audit(t, phone, 'policy editor and held queue on a phone', { strict: true });
  assert.deepEqual(pageErrors, []);
});

test('focus never falls on the page body: Tab stops only on controls; a decision, a lifted ban, an undo keep it in place', async () => {
  const { alice, bob } = await roomWithHeld('focus');

  // Round the whole page with Tab: every stop inside it is a control.
  await alice.evaluate(() => {
    document.body.tabIndex = -1;
    document.body.focus();
    document.body.removeAttribute('tabindex');
  });
  const stops = [];
  for (let i = 0; i < 80; i += 1) {
    await alice.keyboard.press('Tab');
    stops.push(await focused(alice));
  }
  assert.ok(stops.includes('input#message') && stops.includes('button.approve'), stops.join(' | '));
  const odd = stops.filter((stop) => stop !== 'outside the page' && !/^(a|button|input|select|textarea|summary)\b/.test(stop));
  assert.deepEqual(odd, [], 'no Tab stop on anything but a control');

  // Approving by keyboard: the next held message's Approve has the focus.
  await alice.getByRole('button', { name: 'Approve Bob\'s message' }).first().focus();
  await alice.keyboard.press('Enter');
  await alice.waitForFunction(() => document.querySelectorAll('#held li[data-held-id]').length === 1);
  await messages(bob, 'damn that was close').waitFor();
  assert.match(await focused(alice), /^button\.(approve|reject)$/);
  assert.equal(await alice.evaluate(() => document.activeElement.closest('li').querySelector('.text').textContent), 'the cock crowed at dawn');
  // The last one: the queue is empty, its pane's heading takes the focus.
  await alice.keyboard.press('Enter');
  await alice.locator('#held li', { hasText: 'No messages waiting.' }).waitFor();
  await alice.waitForFunction(() => document.activeElement !== document.body);
  assert.equal(await focused(alice), 'h2#mod-title');

  // A time-out lifted from the bans list by keyboard.
  await openUserCard(alice, 'hello everyone');
  await alice.click('#card-timeout');
  await alice.locator('#card-status', { hasText: 'timed out' }).waitFor();
  await alice.keyboard.press('Escape');
  // The dialog's close event comes a task later and gives the focus back to the name it was
  // opened from: wait for it, or it would take the focus from the list below.
  await alice.waitForFunction(() => document.activeElement?.matches('#messages button.name'));
  await alice.locator('#bans li.ban[data-user="bob"] button').focus();
  // The list is drawn again as events come (the disconnect, the audit): the focus stays on it.
  await alice.waitForTimeout(300);
  assert.equal(await alice.evaluate(() => document.activeElement.textContent), 'End time-out');
  await alice.keyboard.press('Enter');
  await alice.locator('#bans li', { hasText: 'Nobody is banned.' }).waitFor();
  await alice.waitForFunction(() => document.activeElement !== document.body);
  assert.equal(await focused(alice), 'h2#mod-title');

  // A one-click ban from the keys, and its Undo: the focus stays in the list.
  await statusIs(bob, 'connected as viewer');
  await messages(alice, 'hello everyone').locator('.name').focus();
  await alice.keyboard.press('b');
  const undo = alice.locator('#messages li.system', { hasText: 'You banned Bob.' }).locator('button.undo');
  await undo.focus();
  await alice.keyboard.press('Enter');
  await alice.locator('#messages li.system', { hasText: 'Bob may chat again.' }).waitFor();
  await alice.waitForFunction(() => document.activeElement !== document.body);
  assert.match(await focused(alice), /^button\.name$/);
  assert.deepEqual(pageErrors, []);
});
