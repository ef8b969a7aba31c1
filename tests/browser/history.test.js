// History and the held-message queue on the chat page, in a real headless Chromium: a late
// joiner reads the recent messages once each, without the ones a moderator deleted, and scrolls
// up through older pages to the beginning of the chat; a
// borderline message waits for a moderator, who approves one (everyone sees it, history keeps
// it) and rejects another (nobody does).
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const {
  startStack, stopStack, launchBrowser, signIn, messages, say, statusIs, historyLoaded, enterRoom,
  callApi, roomIdOf,
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

/** Sends `count` lines as fast as one types them, and waits for the last one's echo. */
async function quickLines(page, prefix, from, to) {
  for (let i = from; i <= to; i += 1) await say(page, `${prefix} ${i}`);
  await page.locator('#messages li.message[data-id]', { hasText: `${prefix} ${to}` }).waitFor();
  assert.equal(await page.locator('#messages li.refused').count(), 0);
}

const numbered = (prefix, from, to) => Array.from({ length: to - from + 1 }, (_, i) => `${prefix} ${from + i}`);

test('a late joiner after 30 quick lines sees all 30, and the beginning of the chat', async () => {
  const alice = await openPage('Alice', true);
  await createRoom(alice, 'burst');
  // IVS's default is 10 messages a second for the whole room: this one takes a fast typist.
  await callApi(alice, 'PATCH', `/rooms/${await roomIdOf(alice)}`, { maximumMessageRatePerSecond: 100 });
  await quickLines(alice, 'quick', 1, 30);
  const bob = await openPage('Bob', false);
  await enterRoom(bob, 'burst', 'viewer');
  assert.deepEqual(await texts(bob), numbered('quick', 1, 30));
  // Nothing older: the list says where the chat begins, above its first line.
  assert.equal(await bob.textContent('#messages li:first-child'), 'This is the beginning of the chat.');
  assert.deepEqual(pageErrors, []);
});

test('history you can scroll: the newest page at once, older pages to the top of the room\'s window', async () => {
  // A stack of its own: 90 lines in one room.
  const stack = await startStack();
  try {
    const alice = await signIn(browser, stack.url, 'Alice', true, pageErrors);
    await createRoom(alice, 'long');
    const roomId = await roomIdOf(alice);
    // Room for a fast typist, and a window of 80 messages.
    const patched = await callApi(alice, 'PATCH', `/rooms/${roomId}`, {
      maximumMessageRatePerSecond: 100, policy: { historyMessages: 80 },
    });
    assert.equal(patched.status, 200);
    await quickLines(alice, 'line', 1, 90);

    // Carol joins: the newest 50 at once, the newest in view.
    const asked = [];
    const watch = (page) => page.on('request', (r) => {
      if (r.url().includes('/messages?')) asked.push(new URL(r.url()).searchParams.has('before'));
    });
    const carol = await signIn(browser, stack.url, 'Carol', false, pageErrors, { hash: `#/rooms/${roomId}`, watch });
    await statusIs(carol, 'connected as viewer');
    await historyLoaded(carol);
    assert.deepEqual(await texts(carol), numbered('line', 41, 90));
    assert.equal(await carol.locator('#beginning').count(), 0, 'more to come');
    const inView = (text) => messages(carol, text).evaluate((el) => {
      const box = el.getBoundingClientRect();
      const list = document.getElementById('log').getBoundingClientRect();
      return box.top >= list.top && box.bottom <= list.bottom;
    });
    assert.ok(await inView('line 90'));

    // She scrolls to the top: the page before comes, up to the room's window (80), and the line
    // she was reading stays in view; then the beginning of the chat.
    await carol.evaluate(() => { document.getElementById('log').scrollTop = 0; });
    await carol.locator('#beginning', { hasText: 'This is the beginning of the chat.' }).waitFor();
    await historyLoaded(carol);
    assert.deepEqual(await texts(carol), numbered('line', 11, 90));
    assert.ok(await inView('line 41'), 'what she was reading stays where it was');
    await carol.evaluate(() => { document.getElementById('log').scrollTop = 0; });
    await carol.waitForTimeout(300);
    assert.deepEqual(asked, [false, true], 'one page at once, one more, then no more requests');
    assert.equal(await carol.textContent('#messages li:first-child'), 'This is the beginning of the chat.');
    assert.deepEqual(pageErrors, []);
  } finally {
    await stopStack(stack);
  }
});

// message-review's trim once dropped a room's 25 oldest at its 50th message, below its cap.
test('a late joiner after 20 earlier lines and 30 quick ones sees all 50', async () => {
  const alice = await openPage('Alice', true);
  await createRoom(alice, 'busy');
  const roomId = await roomIdOf(alice);
  await callApi(alice, 'PATCH', `/rooms/${roomId}`, { maximumMessageRatePerSecond: 100 });
  await quickLines(alice, 'early', 1, 20);
  await quickLines(alice, 'quick', 1, 30);
  const bob = await openPage('Bob', false);
  await enterRoom(bob, 'busy', 'viewer');
  assert.deepEqual(await texts(bob), [...numbered('early', 1, 20), ...numbered('quick', 1, 30)]);
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
