// History and the held-message queue on the chat page, in a real headless Chromium: a late
// joiner reads the recent messages once each, without the ones a moderator deleted; a
// borderline message waits for a moderator, who approves one (everyone sees it, history keeps
// it) and rejects another (nobody does).
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const {
  startStack, stopStack, launchBrowser, signIn, messages, say, statusIs, historyLoaded, enterRoom,
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

const openPage = (name, admin) => signIn(browser, main.url, name, admin, pageErrors);

/** The texts of the delivered messages on the page, top to bottom. */
const texts = (page) => page.$$eval('#messages li.message[data-id] .text', (els) => els.map((el) => el.textContent));

async function createRoom(page, name) {
  await page.fill('#room-name', name);
  await page.click('#new-room button[type=submit]');
  await statusIs(page, 'connected as admin');
}

/** The owner appoints `userId` (who has been in the room); their page turns moderator by itself. */
async function appoint(page, userId, appointee) {
  await page.click('#moderators-box summary');
  await page.fill('#moderator-id', userId);
  await page.click('#add-moderator button[type=submit]');
  await page.locator('#moderators li', { hasText: userId }).waitFor();
  await statusIs(appointee, 'connected as moderator');
  await historyLoaded(appointee);
}

/** Sends and waits for the echo, so the next message goes out after this one. */
async function sayDelivered(page, text) {
  await say(page, text);
  await page.locator('#messages li.message[data-id]', { hasText: text }).waitFor();
}

test('a late joiner reads the recent messages once each, without the deleted one', async () => {
  const alice = await openPage('Alice', true);
  await createRoom(alice, 'stage');

  const bob = await openPage('Bob', false);
  await enterRoom(bob, 'stage', 'viewer');
  for (const text of ['first from bob', 'second from bob', 'third from bob']) {
    await sayDelivered(bob, text);
  }

  // Carol joins late. Her history request is held back until a live message has arrived, so
  // that message is both live and in history: it must show once, below the older ones.
  const carol = await openPage('Carol', false);
  let release;
  const gate = new Promise((resolve) => { release = resolve; });
  let asked;
  const historyAsked = new Promise((resolve) => { asked = resolve; });
  const isHistory = (url) => url.pathname.endsWith('/messages') && url.searchParams.get('limit') === '50';
  await carol.route(isHistory, async (route) => {
    asked();
    await gate;
    await route.continue();
  });
  await carol.click('.room-button:has-text("stage")');
  await statusIs(carol, 'connected as viewer');
  await historyAsked;
  await sayDelivered(bob, 'fourth from bob');
  await messages(carol, 'fourth from bob').waitFor();
  release();
  await historyLoaded(carol);
  await carol.unroute(isHistory);
  const all = ['first from bob', 'second from bob', 'third from bob', 'fourth from bob'];
  assert.deepEqual(await texts(carol), all, 'oldest first, each once');

  // Rejoining the same room draws nothing twice.
  await enterRoom(carol, 'stage', 'viewer');
  assert.deepEqual(await texts(carol), all);

  // Mia, a moderator, deletes a message from her history: it goes from Carol's page at once,
  // and a page that joins afterwards never sees it.
  const mia = await openPage('Mia', false);
  await enterRoom(mia, 'stage', 'viewer');
  await appoint(alice, 'mia', mia);
  assert.deepEqual(await texts(mia), all);
  await messages(mia, 'second from bob').locator('button.delete').click();
  await messages(carol, 'second from bob').waitFor({ state: 'detached' });
  const dave = await openPage('Dave', false);
  await enterRoom(dave, 'stage', 'viewer');
  assert.deepEqual(await texts(dave), ['first from bob', 'third from bob', 'fourth from bob']);
  assert.deepEqual(pageErrors, []);
});

test('a borderline message waits for a moderator, who approves one and rejects another', async () => {
  const alice = await openPage('Alice', true);
  await createRoom(alice, 'review');
  // Settings the form does not show, set through the API: a save from the form keeps them.
  await alice.evaluate(async () => {
    const { token } = JSON.parse(sessionStorage.getItem('chat-local-session'));
    const room = document.querySelector('.room-button.current').dataset.roomId;
    const response = await fetch(`/rooms/${room}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ policy: { languages: ['en', 'es'], historyMessages: 150 } }),
    });
    if (!response.ok) throw new Error(`PATCH ${response.status}`);
  });
  // Before anyone chats: the review function caches a room's policy for a few seconds.
  await alice.selectOption('#p-profanity', 'moderate');
  await alice.getByLabel('Hold borderline messages for a moderator').check();
  await alice.click('#policy-form button[type=submit]');
  await alice.locator('#policy-status', { hasText: 'Saved' }).waitFor();
  const policy = await alice.evaluate(async () => {
    const { token } = JSON.parse(sessionStorage.getItem('chat-local-session'));
    const room = document.querySelector('.room-button.current').dataset.roomId;
    const response = await fetch(`/rooms/${room}`, { headers: { authorization: `Bearer ${token}` } });
    return (await response.json()).policy;
  });
  assert.equal(policy.actions.borderline, 'hold');
  assert.equal(policy.profanity, 'moderate');
  assert.deepEqual(policy.languages, ['en', 'es'], 'the form keeps what it does not show');
  assert.equal(policy.historyMessages, 150);

  const mia = await openPage('Mia', false);
  await enterRoom(mia, 'review', 'viewer');
  await appoint(alice, 'mia', mia);
  await mia.locator('#held li', { hasText: 'No messages waiting.' }).waitFor();
  const bob = await openPage('Bob', false);
  await enterRoom(bob, 'review', 'viewer');
  assert.equal(await bob.isVisible('#held-box'), false, 'viewers see no queue');
  const carol = await openPage('Carol', false);
  await enterRoom(carol, 'review', 'viewer');

  // Bob's borderline message is held: he is told so; Mia's queue shows it without a reload.
  await say(bob, 'damn that was close');
  await bob.locator('#messages li.message.held', { hasText: 'Held for review. A moderator looks at it first' }).waitFor();
  const queued = mia.locator('#held li[data-held-id]', { hasText: 'damn that was close' });
  await queued.locator('.name', { hasText: 'Bob' }).waitFor();
  assert.equal(await messages(carol, 'damn').count(), 0, 'nobody else sees a held message');
  assert.equal(await carol.locator('#messages li.system').count(), 0, 'nor any line about it');

  // Mia approves it: it is Bob's message on every page, his held copy included.
  await mia.getByRole('button', { name: 'Approve Bob\'s message' }).click();
  await mia.locator('#held li', { hasText: 'No messages waiting.' }).waitFor();
  for (const page of [bob, mia, carol, alice]) {
    await page.locator('#messages li.message[data-id]', { hasText: 'damn that was close' })
      .locator('.name', { hasText: 'Bob' }).waitFor();
  }
  assert.equal(await bob.locator('#messages li.held').count(), 0, 'the held copy is replaced');
  assert.equal(await messages(carol, 'damn that was close').count(), 1);
  const erin = await openPage('Erin', false);
  await enterRoom(erin, 'review', 'viewer');
  assert.deepEqual(await texts(erin), ['damn that was close']);

  // Another is held; Mia rejects it. Alice's queue still lists it (a rejection is not
  // announced): her approval comes too late, and she is told so.
  await say(bob, 'the cock crowed at dawn');
  await bob.locator('#messages li.message.held', { hasText: 'the cock crowed' }).waitFor();
  await alice.locator('#held li[data-held-id]', { hasText: 'the cock crowed' }).waitFor();
  await mia.getByRole('button', { name: 'Reject Bob\'s message' }).click();
  await mia.locator('#held li', { hasText: 'No messages waiting.' }).waitFor();
  await alice.getByRole('button', { name: 'Approve Bob\'s message' }).click();
  await alice.locator('#mod-error', { hasText: 'no longer held' }).waitFor();
  await alice.locator('#held li', { hasText: 'No messages waiting.' }).waitFor();

  // Bob goes on; the rejected message is on no page, and not in history.
  await sayDelivered(bob, 'fine, moving on');
  for (const page of [mia, carol, alice, erin]) {
    await messages(page, 'fine, moving on').waitFor();
    assert.deepEqual(await texts(page), ['damn that was close', 'fine, moving on']);
  }
  const frank = await openPage('Frank', false);
  await enterRoom(frank, 'review', 'viewer');
  assert.deepEqual(await texts(frank), ['damn that was close', 'fine, moving on']);
  assert.deepEqual(pageErrors, []);
});
