// Where the chat page puts people, in a real headless Chromium: a room has a link (it survives
// a reload, and a signed-out visitor lands in the room after signing in), an empty room says what
// to do, a link to a room that is gone says so, and a phone gets the chat first, with the room
// list and the moderation tools behind buttons, and its lock states fit: a time-out's countdown
// is never cut, the notice and the box take two lines, a slow-mode wait ends with a promotion.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const {
  startStack, stopStack, launchBrowser, signIn, messages, say, statusIs, historyLoaded, createRoom,
  openUserCard,
} = require('./helpers');

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
const PHONE = { width: 390, height: 844 };

/** The texts of the delivered messages on the page, top to bottom. */
const texts = (page) => page.$$eval('#messages li.message[data-id] .text', (els) => els.map((el) => el.textContent));
/** Waits until the element with `id` has the focus (focus moves once the screen has loaded). */
const focusReaches = (page, id, why) => page
  .waitForFunction((want) => document.activeElement && document.activeElement.id === want, id, { timeout: 15_000 })
  .catch(async () => {
    const actual = await page.evaluate(() => document.activeElement && document.activeElement.id);
    assert.equal(actual, id, why);
  });

test('a room link: the empty state, signing in into the room, a reload, a room that is gone', async () => {
  const alice = await openPage('Alice', true);
  await focusReaches(alice, 'rooms-title', 'after sign-in, focus goes to the room list');
  await alice.locator('#no-room', { hasText: 'Pick a room from the list, or create one' }).waitFor();
  const roomId = await createRoom(alice, 'quiet');
  const link = `#/rooms/${roomId}`;
  assert.equal(new URL(alice.url()).hash, link, 'the URL names the room');
  assert.equal(await alice.getAttribute('#room-link', 'href'), link);
  await alice.locator('#empty', { hasText: 'No messages yet. Say hello' }).waitFor();

  // Bob follows the link signed out: he signs in and is in the room, typing.
  const bob = await openPage('Bob', false, { hash: link });
  await statusIs(bob, 'connected as viewer');
  assert.equal(await bob.textContent('#room-title'), 'quiet');
  await bob.waitForFunction(() => document.activeElement && document.activeElement.id === 'message');
  await say(bob, 'first words');
  await messages(alice, 'first words').waitFor();
  await alice.locator('#empty').waitFor({ state: 'hidden' });

  // A reload keeps him there, with what was said, once.
  await bob.reload();
  await statusIs(bob, 'connected as viewer');
  await historyLoaded(bob);
  assert.equal(new URL(bob.url()).hash, link);
  assert.deepEqual(await texts(bob), ['first words']);

  // A link to a room that does not exist: back to the list, with a word why.
  await bob.evaluate(() => { location.hash = '#/rooms/AbCdEfGhIjKl'; });
  await bob.locator('#no-room-error', { hasText: 'That room does not exist' }).waitFor();
  assert.equal(await bob.isVisible('#room'), false);
  assert.equal(new URL(bob.url()).hash, '', 'the dead link is dropped');
  assert.deepEqual(pageErrors, []);
});

test('on a phone the chat comes first; rooms and moderation are a button away', async () => {
  const alice = await openPage('Alice', true, { viewport: PHONE });
  // No room yet: the room list is what a phone shows.
  assert.equal(await alice.isVisible('#rooms-pane'), true);
  const roomId = await createRoom(alice, 'pocket');
  const carol = await openPage('Carol', false, { viewport: PHONE, hash: `#/rooms/${roomId}` });
  await statusIs(carol, 'connected as viewer');
  await say(carol, 'hello from my phone');
  await messages(alice, 'hello from my phone').waitFor();

  for (const page of [alice, carol]) {
    // The message box is on the first screen; the room list is not; nothing scrolls sideways.
    const box = await page.locator('#message').boundingBox();
    assert.ok(box && box.y + box.height <= PHONE.height, `the message box is in view: ${JSON.stringify(box)}`);
    assert.equal(await page.isVisible('#rooms-pane'), false);
    assert.equal(await page.isVisible('#mod-pane'), false);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
  }
  assert.equal(await carol.isVisible('#show-mod'), false, 'no moderation button for a viewer');

  // The room list, and back.
  await carol.click('#show-rooms');
  await carol.locator('#rooms-pane').waitFor();
  assert.equal(await carol.isVisible('#room'), false);
  await focusReaches(carol, 'rooms-title');
  await carol.click('#rooms-pane .back-to-chat');
  await carol.locator('#room').waitFor();

  // The moderation tools, and back.
  await alice.click('#show-mod');
  await alice.locator('#mod-pane').waitFor();
  assert.equal(await alice.isVisible('#room'), false);
  assert.equal(await alice.isVisible('#held-box'), true);
  await alice.click('#mod-pane .back-to-chat');
  await alice.locator('#room').waitFor();
  await focusReaches(alice, 'message');
  assert.deepEqual(pageErrors, []);
});

/** How the phone shows its lock: the box's placeholder against its room, the notice's lines. */
const lockLayout = (page) => page.evaluate(() => {
  const input = document.getElementById('message');
  const style = getComputedStyle(input);
  const context = document.createElement('canvas').getContext('2d');
  context.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const notice = document.getElementById('notice');
  const noticeStyle = getComputedStyle(notice);
  const inner = notice.clientHeight - parseFloat(noticeStyle.paddingTop) - parseFloat(noticeStyle.paddingBottom);
  const lineHeight = parseFloat(noticeStyle.lineHeight) || parseFloat(noticeStyle.fontSize) * 1.2;
  return {
    placeholder: input.placeholder,
    fits: context.measureText(input.placeholder).width
      <= input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight),
    noticeLines: Math.round(inner / lineHeight),
    notice: notice.textContent,
  };
});

test('on a phone the lock states fit: a whole countdown, a one-line notice; a promotion ends a slow-mode wait', async () => {
  const alice = await openPage('Alice', true);
  await createRoom(alice, 'locks');
  await alice.fill('#p-slow', '30');
  await alice.click('#policy-form button[type=submit]');
  await alice.locator('#policy-status', { hasText: 'Saved' }).waitFor();
  const link = await alice.evaluate(() => location.hash);
  const dave = await openPage('Dave', false, { viewport: PHONE, hash: link });
  await statusIs(dave, 'connected as viewer');
  const erin = await openPage('Erin', false, { viewport: PHONE, hash: link });
  await statusIs(erin, 'connected as viewer');

  // Erin waits out slow mode; made a moderator, her wait is gone at once.
  await say(erin, 'erin here');
  await messages(alice, 'erin here').waitFor();
  await erin.waitForFunction(() => /^\d+ s$/.test(document.getElementById('send').textContent));
  await openUserCard(alice, 'erin here');
  await alice.click('#card-promote');
  await erin.locator('#notice', { hasText: 'You are now a moderator' }).waitFor();
  await erin.waitForFunction(() => document.getElementById('send').textContent === 'Send', null, { timeout: 2000 });
  assert.doesNotMatch(await erin.textContent('#composer-note'), /slow mode/i);
  await statusIs(erin, 'connected as moderator');
  assert.equal(await erin.isDisabled('#send'), false);
  await alice.keyboard.press('Escape');

  // Dave is timed out for a week, the longest countdown there is: on his phone it is whole.
  await say(dave, 'dave here');
  await messages(alice, 'dave here').waitFor();
  await openUserCard(alice, 'dave here');
  await alice.selectOption('#card-duration', '604800');
  await alice.click('#card-timeout');
  await statusIs(dave, 'read only (timed out)');
  await dave.waitForFunction(() => /\d:\d\d:\d\d$/.test(document.getElementById('message').placeholder));
  let layout = await lockLayout(dave);
  assert.ok(layout.fits, `the countdown fits: ${layout.placeholder}`);
  assert.match(layout.placeholder, /1(67|68):\d\d:\d\d$/);
  assert.equal(layout.noticeLines, 1, `one line of notice: ${layout.notice}`);
  await alice.keyboard.press('Escape');

  // With a long reason the notice still takes one line; a tap shows it all.
  await alice.locator('#bans li.ban[data-user="dave"] button', { hasText: 'End time-out' }).click();
  await statusIs(dave, 'connected as viewer');
  await openUserCard(alice, 'dave here');
  await alice.fill('#card-reason', 'please keep the spoilers for the film out of this chat until the weekend');
  await alice.selectOption('#card-duration', '3600');
  await alice.click('#card-timeout');
  await dave.locator('#notice', { hasText: 'until the weekend.' }).waitFor();
  layout = await lockLayout(dave);
  assert.ok(layout.fits, `the countdown fits: ${layout.placeholder}`);
  assert.equal(layout.noticeLines, 1);
  await dave.click('#notice');
  assert.ok((await lockLayout(dave)).noticeLines > 1, 'a tap shows the whole notice');
  const box = await dave.locator('#message').boundingBox();
  assert.ok(box.y + box.height <= PHONE.height, 'the message box stays on screen');
  assert.deepEqual(pageErrors, []);
});
