// Where the chat page puts people, in a real headless Chromium: a room has a link (it survives
// a reload, and a signed-out visitor lands in the room after signing in), an empty room says what
// to do, a link to a room that is gone says so, and a phone gets the chat first, with the room
// list and the moderation tools behind buttons.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const {
  startStack, stopStack, launchBrowser, signIn, messages, say, statusIs, historyLoaded, createRoom,
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
