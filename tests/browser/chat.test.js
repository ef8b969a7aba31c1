// The chat page of chat-local in a real headless Chromium: people chat, a blocked term is
// refused with its reason, a moderator deletes a message and, from his user card, bans a viewer
// with a reason and a confirmation (his recent messages go with him); he sees the disconnect and
// the reason, and cannot rejoin until the ban is lifted.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const {
  WAIT, startStack, stopStack, launchBrowser, signIn, messages, say, statusIs, openUserCard,
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

const openPage = (name, admin, url = main.url) => signIn(browser, url, name, admin, pageErrors);

/** The README's pictures: `SCREENSHOT_DIR=docs npm test -- chat.test.js` (from the repo root's view). */
async function picture(page, file, options = {}) {
  if (!process.env.SCREENSHOT_DIR) return;
  const dir = path.resolve(__dirname, '..', '..', process.env.SCREENSHOT_DIR);
  await page.screenshot({ path: path.join(dir, file), ...options });
}

test('people chat; a blocked term is refused; a moderator deletes a message and bans', async () => {
  // Alice, an administrator, creates the room (an admin's role outranks the owner's).
  const alice = await openPage('Alice', true);
  await alice.fill('#room-name', 'lobby');
  await alice.click('#new-room button[type=submit]');
  await statusIs(alice, 'connected as admin');
  assert.equal(await alice.textContent('#role'), 'admin');

  // She blocks spoilers in the policy editor.
  await alice.fill('#p-blocked', 'spoiler*');
  await alice.click('#policy-form button[type=submit]');
  await alice.locator('#policy-status', { hasText: 'Saved' }).waitFor();

  // Bob and Carol, signed in elsewhere, pick the room from the list.
  const bob = await openPage('Bob', false);
  await bob.click('.room-button:has-text("lobby")');
  await statusIs(bob, 'connected as viewer');
  assert.equal(await bob.isVisible('#mod-pane'), false, 'viewers get no moderation tools');
  assert.equal(await bob.isVisible('#new-room'), false, 'only administrators create rooms');
  const carol = await openPage('Carol', false);
  await carol.click('.room-button:has-text("lobby")');
  await statusIs(carol, 'connected as viewer');

  // Alice makes Carol a moderator: Carol's page takes a moderator's token by itself.
  await alice.click('#moderators-box summary');
  await alice.fill('#moderator-id', 'carol');
  await alice.click('#add-moderator button[type=submit]');
  await alice.locator('#moderators li', { hasText: 'carol' }).waitFor();
  await statusIs(carol, 'connected as moderator');
  assert.equal(await carol.isVisible('#mod-pane'), true);
  assert.equal(await carol.isVisible('#policy-box'), false, 'the policy is the owner\'s to change');

  // They chat, each seeing the others' display names.
  await say(bob, 'hello from bob');
  await messages(carol, 'hello from bob').locator('.name', { hasText: 'Bob' }).waitFor();
  await messages(alice, 'hello from bob').waitFor();
  await say(bob, 'still here');
  await messages(carol, 'still here').waitFor();
  await say(alice, 'hi Bob, welcome');
  await messages(bob, 'hi Bob, welcome').locator('.name', { hasText: 'Alice' }).waitFor();
  assert.equal(await messages(bob, 'hello from bob').getAttribute('class'), 'message own',
    'Bob\'s own message is confirmed by its echo, and stands out as his');

  // A blocked term is refused, with the reason, and reaches nobody.
  await say(bob, 'big SPOILER: the hero wins');
  const refused = bob.locator('#messages li.refused');
  await refused.waitFor();
  const why = await refused.locator('.refusal').textContent();
  assert.equal(why, 'Not sent. This room does not allow one of the words in it. Only you can see this.');
  await say(bob, 'sorry');
  await messages(carol, 'sorry').waitFor();
  assert.equal(await messages(carol, 'the hero wins').count(), 0, 'the refused message was not delivered');

  // Carol deletes Bob's first message: it goes on every page.
  await messages(carol, 'hello from bob').locator('button.delete').click();
  await bob.locator('#messages li.deleted', { hasText: 'Message deleted by a moderator' }).waitFor();
  await alice.locator('#messages li.deleted').waitFor();
  assert.equal(await messages(bob, 'hello from bob').count(), 0);

  // Carol's one-click tools on Bob's line, as the README shows them.
  await messages(carol, 'still here').hover();
  await picture(carol, 'chat-local-line-tools.png', { clip: await carol.locator('#room').boundingBox() });

  // Before the ban, Bob quietly takes a second chat token, to try his luck with it later.
  const spare = await bob.evaluate(async () => {
    const { token } = JSON.parse(sessionStorage.getItem('chat-local-session'));
    const auth = { authorization: `Bearer ${token}` };
    const { rooms } = await (await fetch('/rooms', { headers: auth })).json();
    const room = rooms.find((r) => r.name === 'lobby');
    const issued = await (await fetch(`/rooms/${room.id}/tokens`, { method: 'POST', headers: auth, body: '{}' })).json();
    return issued.token;
  });
  assert.ok(spare, 'a spare token before the ban');

  // She bans him from his user card, with a reason and a confirmation: his page shows the
  // disconnect and the ban, and he cannot come back.
  await openUserCard(carol, 'still here');
  assert.equal(await carol.textContent('#card-name'), 'Bob');
  await carol.fill('#card-reason', 'spoilers');
  await carol.click('#card-ban');
  await carol.check('#card-purge');
  await carol.locator('#card-confirm', { hasText: 'Ban Bob from this room' }).waitFor();
  await picture(carol, 'chat-local-moderator.png');
  await carol.click('#card-ban-confirm');
  await carol.locator('#card-status', { hasText: 'Bob is banned.' }).waitFor();
  await carol.keyboard.press('Escape');
  await carol.locator('#user-card').waitFor({ state: 'hidden' });
  await bob.locator('#notice', { hasText: 'You were disconnected by a moderator: you are banned' }).waitFor();
  assert.match(await bob.textContent('#notice'), /spoilers/, 'he is told why');
  await picture(bob, 'chat-local-viewer.png');
  await statusIs(bob, 'banned');
  assert.equal(await bob.isDisabled('#message'), true);
  await bob.click('#rejoin');
  await bob.locator('#notice', { hasText: 'You are banned from this room' }).waitFor();
  assert.equal(await bob.isDisabled('#message'), true, 'no connection after the ban');
  await alice.locator('#messages li.system', { hasText: 'bob was removed from the room' }).waitFor();
  // The ban clears his recent messages from every page, as on Twitch.
  for (const text of ['still here', 'sorry']) {
    await messages(alice, text).waitFor({ state: 'detached' });
    await messages(carol, text).waitFor({ state: 'detached' });
  }
  assert.equal(await alice.locator('#messages li.deleted').count(), 3, 'all three of his messages');
  await carol.locator('#bans li.ban[data-user="bob"]', { hasText: 'banned' }).waitFor();
  await alice.locator('#bans li.ban[data-user="bob"]', { hasText: 'banned' }).waitFor();
  await openUserCard(carol, 'hi Bob, welcome');
  assert.equal(await carol.isVisible('#card-ban'), false, 'a moderator is offered no ban on the admin');
  await carol.click('#card-close');

  // The token he took before the ban still opens a connection, but he cannot speak with it:
  // the review function refuses every message of a banned user, and nobody sees it.
  await bob.waitForTimeout(1000);
  const answer = await bob.evaluate(async (token) => {
    const { messagingEndpoint } = await (await fetch('/dev/config')).json();
    const ws = new WebSocket(messagingEndpoint, token);
    return new Promise((resolve, reject) => {
      ws.onerror = () => reject(new Error('the socket failed'));
      ws.onopen = () => ws.send(JSON.stringify({ Action: 'SEND_MESSAGE', RequestId: 'sneak', Content: 'I am back, sneakily' }));
      ws.onmessage = (event) => {
        const frame = JSON.parse(event.data);
        if (frame.RequestId === 'sneak') { ws.close(); resolve(frame); }
      };
    });
  }, spare);
  assert.equal(answer.Type, 'ERROR');
  assert.equal(answer.ErrorCode, 406);
  assert.equal(answer.ErrorMessage, 'BANNED');
  await alice.waitForTimeout(500);
  assert.equal(await messages(alice, 'sneakily').count(), 0, 'nobody sees a banned user\'s message');
  assert.equal(await messages(carol, 'sneakily').count(), 0);

  // The audit log shows what happened, and who did it.
  await alice.click('#audit-box summary');
  await alice.click('#refresh-audit');
  await alice.waitForFunction(
    () => document.querySelectorAll('#audit li[data-action="USER_BANNED"]').length > 0,
    null,
    { timeout: WAIT },
  );
  const entries = await alice.$$eval('#audit li.entry', (items) => items.map((li) => [li.dataset.action, li.textContent]));
  const seen = entries.map(([action]) => action);
  for (const action of ['USER_BANNED', 'MESSAGE_DELETED', 'MESSAGE_DENIED', 'POLICY_CHANGED', 'MODERATOR_ADDED']) {
    assert.ok(seen.includes(action), `${action} in the audit log: ${seen}`);
  }
  assert.match(entries.find(([action]) => action === 'USER_BANNED')[1], /carol: user banned → bob/);

  await alice.evaluate(() => window.scrollTo(0, 0));
  await picture(alice, 'chat-local-owner.png', { fullPage: true });

  // Lifting the ban lets Bob back in.
  await carol.locator('#bans li.ban[data-user="bob"] button').click();
  await carol.locator('#bans li', { hasText: 'Nobody is banned' }).waitFor();
  await bob.click('.room-button:has-text("lobby")');
  await statusIs(bob, 'connected as viewer');
  await say(bob, 'thanks for letting me back');
  await messages(alice, 'thanks for letting me back').waitFor();
  assert.deepEqual(pageErrors, []);
});

test('the page survives a reload and a sign-out, each tab keeping its own sign-in', async () => {
  const dave = await openPage('Dave', false);
  await dave.reload();
  await dave.locator('#lobby').waitFor();
  assert.match(await dave.textContent('#me'), /Dave \(dave\)/);
  await dave.click('#sign-out');
  await dave.locator('#sign-in').waitFor();
  assert.equal(await dave.isVisible('#lobby'), false);
  assert.deepEqual(pageErrors, []);
});

test('when the chat session ends, the page reconnects with a fresh token', { timeout: 150_000 }, async () => {
  // A minute of session lasts a second: the viewer's 60-minute session ends after 60 s.
  const short = await startStack({ IVSCHAT_EMULATOR_SESSION_MINUTE_SECS: '1' });
  try {
    const erin = await openPage('Erin', true, short.url);
    await erin.fill('#room-name', 'short');
    await erin.click('#new-room button[type=submit]');
    await statusIs(erin, 'connected as admin');
    const frank = await openPage('Frank', false, short.url);
    let sockets = 0;
    frank.on('websocket', () => { sockets += 1; });
    await frank.click('.room-button:has-text("short")');
    await statusIs(frank, 'connected as viewer');
    assert.equal(sockets, 1);
    const deadline = Date.now() + 100_000;
    while (sockets < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    assert.equal(sockets, 2, 'a second connection after the session ended');
    await statusIs(frank, 'connected as viewer');
    assert.equal(await frank.isVisible('#notice'), false, 'no error shown for a routine reconnect');
    await say(frank, 'still with you');
    await messages(erin, 'still with you').locator('.name', { hasText: 'Frank' }).waitFor();
    assert.deepEqual(pageErrors, []);
  } finally {
    await stopStack(short);
  }
});
