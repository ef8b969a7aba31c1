// The chat page rides out trouble, in a real headless Chromium: chat-local stops and starts
// again on the same ports and data, and every page reconnects by itself (backoff, a fresh
// token) without drawing anything twice; a reader who scrolled up is not pulled down, the chat
// pauses and counts what is new.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const {
  startStack, stopProcess, stopStack, launchBrowser, signIn, messages, say, statusIs, historyLoaded,
  enterRoom, callApi, createRoom,
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

/** The texts of the delivered messages on the page, top to bottom. */
const texts = (page) => page.$$eval('#messages li.message[data-id] .text', (els) => els.map((el) => el.textContent));

test('after chat-local restarts, the page reconnects by itself and draws nothing twice', async () => {
  const alice = await openPage('Alice', true);
  await createRoom(alice, 'comeback');
  const bob = await openPage('Bob', false);
  await enterRoom(bob, 'comeback', 'viewer');
  await say(bob, 'before the restart');
  await messages(alice, 'before the restart').waitFor();

  // Stopped: the pages say they are reconnecting, and keep trying.
  await stopProcess(main);
  await statusIs(bob, 'reconnecting…');
  await statusIs(alice, 'reconnecting…');
  assert.equal(await bob.isDisabled('#message'), true, 'nothing to send with');
  await bob.locator('#notice', { hasText: 'reconnecting' }).waitFor();
  // "Reconnect now" while it is still down: no raw network error, and the button stays.
  await bob.click('#rejoin');
  await statusIs(bob, 'reconnecting…');
  assert.equal(await bob.isVisible('#rejoin'), true);
  assert.doesNotMatch(await bob.textContent('#notice'), /fetch/i);

  // Started again on the same ports and data: both pages come back without a click.
  main = await startStack({}, main);
  await statusIs(bob, 'connected as viewer');
  await statusIs(alice, 'connected as admin');
  await historyLoaded(bob);
  await historyLoaded(alice);
  assert.equal(await bob.isVisible('#notice'), false, 'the reconnecting notice goes');
  assert.equal(await bob.isVisible('#rejoin'), false);
  await say(bob, 'after the restart');
  await messages(alice, 'after the restart').waitFor();
  for (const page of [alice, bob]) {
    assert.deepEqual(await texts(page), ['before the restart', 'after the restart'], 'each message once');
  }
  assert.deepEqual(pageErrors, []);
});

test('a reader who scrolled up is not pulled down: the chat pauses and counts new messages', async () => {
  const alice = await openPage('Alice', true);
  // A busy room: more messages a second than the default allows.
  const { body: room } = await callApi(alice, 'POST', '/rooms', { name: 'busy', maximumMessageRatePerSecond: 100 });
  await alice.evaluate((id) => { location.hash = `#/rooms/${id}`; }, room.id);
  await statusIs(alice, 'connected as admin');
  const carol = await openPage('Carol', false, { viewport: { width: 1280, height: 600 }, hash: `#/rooms/${room.id}` });
  await statusIs(carol, 'connected as viewer');
  await historyLoaded(carol);
  const sayDelivered = async (text) => {
    await say(alice, text);
    await alice.locator('#messages li.message[data-id]', { hasText: text }).waitFor();
  };
  for (let i = 1; i <= 20; i += 1) await sayDelivered(`line ${i}`);
  await messages(carol, 'line 20').waitFor();
  const scroll = () => carol.$eval('#log', (list) => ({
    top: list.scrollTop,
    fromBottom: list.scrollHeight - list.scrollTop - list.clientHeight,
  }));
  assert.ok((await scroll()).fromBottom < 5, 'following the newest');
  assert.equal(await carol.isVisible('#paused'), false);

  // Carol scrolls up to read: the chat pauses where she is.
  await carol.locator('#log').hover();
  await carol.mouse.wheel(0, -400);
  await carol.locator('#paused', { hasText: 'Chat paused' }).waitFor();
  const reading = (await scroll()).top;
  await sayDelivered('line 21');
  await sayDelivered('line 22');
  await carol.locator('#paused', { hasText: 'Chat paused — 2 new messages ↓' }).waitFor();
  assert.equal((await scroll()).top, reading, 'not pulled down');

  // The button takes her to the newest; from then on the list follows again.
  await carol.click('#paused');
  await carol.locator('#paused').waitFor({ state: 'hidden' });
  assert.ok((await scroll()).fromBottom < 5);
  await sayDelivered('line 23');
  await messages(carol, 'line 23').waitFor();
  await carol.waitForFunction(() => {
    const list = document.getElementById('log');
    return list.scrollHeight - list.scrollTop - list.clientHeight < 5;
  });
  assert.equal(await carol.isVisible('#paused'), false);
  assert.deepEqual(pageErrors, []);
});
