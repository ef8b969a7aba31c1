// The moderation console on the chat page, in a real headless Chromium: one-click tools on a
// line (mouse, keys, a long press), the user card (recent
// messages, delete, time-out with a length and a reason, kick, ban with a confirmation and an
// undo); refusals in sentences, never codes, and a policy editor with every rule's setting;
// a time-out is told as one and takes no messages, a ban takes them only when asked;
// a timed-out viewer keeps reading and gets the message box back by itself; lists and
// roles that change live; slow mode, refusals and masking as the sender sees them.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const {
  startStack, stopStack, launchBrowser, signIn, messages, say, statusIs, historyLoaded, enterRoom,
  openUserCard, callApi, createRoom,
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

/** Sends and waits for the echo. */
async function sayDelivered(page, text) {
  await say(page, text);
  await page.locator('#messages li.message[data-id]', { hasText: text }).waitFor();
}

test('roles change live: appointing from the people in the room, a checked id, the card', async () => {
  const alice = await openPage('Alice', true);
  await createRoom(alice, 'roles');
  const dave = await openPage('Dave', false);
  await enterRoom(dave, 'roles', 'viewer');
  await sayDelivered(dave, 'hi all');
  await messages(alice, 'hi all').waitFor();

  // A display name with a space is no user id; an id nobody signed in with is refused by the API.
  await alice.click('#moderators-box summary');
  await alice.fill('#moderator-id', 'nobody here');
  await alice.click('#add-moderator button[type=submit]');
  await alice.locator('#moderator-error', { hasText: 'is not a user id' }).waitFor();
  await alice.fill('#moderator-id', 'ghost');
  await alice.click('#add-moderator button[type=submit]');
  await alice.locator('#moderator-error', { hasText: 'has signed in here yet' }).waitFor();
  await alice.locator('#moderators li', { hasText: 'None yet.' }).waitFor();

  // The people seen in the room are offered; picking Dave by his name appoints him.
  const offered = await alice.$$eval('#people option', (options) => options.map((o) => [o.value, o.label]));
  assert.deepEqual(offered.find(([id]) => id === 'dave'), ['dave', 'Dave']);
  await alice.fill('#moderator-id', 'Dave');
  await alice.click('#add-moderator button[type=submit]');
  await alice.locator('#moderators li[data-user="dave"]', { hasText: 'Dave (dave)' }).waitFor();

  // Dave's page turns moderator by itself: a new token, the tools, a word about it.
  await statusIs(dave, 'connected as moderator');
  await dave.locator('#mod-pane').waitFor();
  await dave.locator('#notice', { hasText: 'You are now a moderator' }).waitFor();
  await dave.locator('#messages li.system', { hasText: 'You are now a moderator.' }).waitFor();
  await alice.locator('#messages li.system', { hasText: 'Dave is now a moderator.' }).waitFor();
  await sayDelivered(dave, 'thanks!');
  await messages(alice, 'thanks!').locator('.badge', { hasText: 'moderator' }).waitFor();

  // Alice takes it back from his card: his page is a viewer's again, without a reload.
  await openUserCard(alice, 'thanks!');
  assert.equal(await alice.textContent('#card-role'), 'moderator');
  await alice.click('#card-demote');
  await alice.locator('#card-status', { hasText: 'Dave is no longer a moderator.' }).waitFor();
  await statusIs(dave, 'connected as viewer');
  await dave.locator('#mod-pane').waitFor({ state: 'hidden' });
  assert.equal(await alice.textContent('#card-role'), 'viewer');
  await alice.keyboard.press('Escape');
  await alice.locator('#moderators li', { hasText: 'None yet.' }).waitFor();
  assert.deepEqual(pageErrors, []);
});

test('one-click moderation on the line: delete, a time-out of the room\'s length, a ban; by mouse, keys and touch', async () => {
  const alice = await openPage('Alice', true);
  await createRoom(alice, 'quick');
  // The room's one-click time-out is a minute.
  await alice.selectOption('#p-timeout', '60');
  await alice.click('#policy-form button[type=submit]');
  await alice.locator('#policy-status', { hasText: 'Saved' }).waitFor();
  const mia = await openPage('Mia', false);
  await enterRoom(mia, 'quick', 'viewer');
  await sayDelivered(mia, 'mia here');
  await openUserCard(alice, 'mia here');
  await alice.click('#card-promote');
  await statusIs(mia, 'connected as moderator');
  await historyLoaded(mia);
  await alice.keyboard.press('Escape');
  const bob = await openPage('Bob', false);
  await enterRoom(bob, 'quick', 'viewer');
  const carol = await openPage('Carol', false);
  await enterRoom(carol, 'quick', 'viewer');
  await sayDelivered(bob, 'bob one');
  await sayDelivered(carol, 'carol one');
  await sayDelivered(carol, 'carol two');
  await sayDelivered(alice, 'alice speaks');
  await messages(mia, 'alice speaks').waitFor();

  // The tools show on hover, out of the Tab order; a lower role's line has all three, one's own
  // line a delete, a higher role's line none.
  const line = messages(mia, 'bob one');
  const opacity = (item) => item.locator('.tools').evaluate((el) => getComputedStyle(el).opacity);
  const tools = (item) => item.locator('.tools button').evaluateAll((buttons) => buttons.map((b) => [b.className, b.getAttribute('aria-label'), b.tabIndex]));
  assert.equal(await opacity(line), '0');
  await line.hover();
  assert.equal(await opacity(line), '1');
  assert.deepEqual(await tools(line), [
    ['delete', 'Delete Bob\'s message: bob one', -1], ['timeout', 'Time out Bob for 1 minute', -1], ['ban', 'Ban Bob', -1],
  ]);
  assert.deepEqual(await tools(messages(mia, 'mia here')), [['delete', 'Delete Mia\'s message: mia here', -1]]);
  assert.equal(await messages(mia, 'alice speaks').locator('.tools').count(), 0);
  assert.equal(await bob.locator('#messages .tools').count(), 0, 'viewers get none');

  // The clock times Bob out for the room's length at once; the list says so, with an undo.
  await line.locator('button.timeout').click();
  await mia.locator('#messages li.system', { hasText: 'You timed out Bob for 1 minute.' }).waitFor();
  await statusIs(bob, 'read only (timed out)');
  await bob.locator('#notice', { hasText: 'You are timed out by a moderator until' }).waitFor();
  await mia.locator('#messages li.system button.undo').click();
  await mia.locator('#messages li.system', { hasText: 'Bob may chat again.' }).waitFor();
  await statusIs(bob, 'connected as viewer');

  // Keys, from a sender's name: what they do is announced (the name's aria-keyshortcuts, and
  // the list's description).
  assert.match(await mia.textContent('#log-hint'), /Delete deletes it, T times its sender out for 1 minute and B bans them\./);
  const first = messages(mia, 'carol one').locator('.name');
  assert.equal(await first.getAttribute('aria-keyshortcuts'), 'Delete T B');
  await first.focus();
  await mia.keyboard.press('Delete');
  await carol.locator('#messages li.deleted').waitFor();
  await mia.keyboard.press('ArrowDown');
  assert.equal(await mia.evaluate(() => document.activeElement.closest('li').querySelector('.text').textContent), 'carol two');
  await mia.keyboard.press('b');
  await mia.locator('#messages li.system', { hasText: 'You banned Carol.' }).waitFor();
  await carol.locator('#notice', { hasText: 'you are banned' }).waitFor();
  assert.equal(await messages(bob, 'carol two').count(), 1, 'a one-click ban leaves the messages');
  await mia.locator('#messages li.system', { hasText: 'You banned Carol.' }).locator('button.undo').focus();
  await mia.keyboard.press('Enter');
  await mia.locator('#messages li.system', { hasText: 'Carol may chat again.' }).waitFor();
  await alice.locator('#bans li', { hasText: 'Nobody is banned.' }).waitFor();

  // Touch: a long press on a line opens its tools; a tap on one acts.
  const phone = await openPage('Alice', true, { viewport: PHONE, touch: true, hash: await alice.evaluate(() => location.hash) });
  await statusIs(phone, 'connected as admin');
  await historyLoaded(phone);
  const touched = messages(phone, 'bob one');
  const box = await touched.boundingBox();
  const at = { pointerType: 'touch', isPrimary: true, clientX: box.x + 20, clientY: box.y + 10 };
  await touched.locator('.text').dispatchEvent('pointerdown', at);
  await phone.locator('#messages li.tools-open', { hasText: 'bob one' }).waitFor();
  await touched.locator('.text').dispatchEvent('pointerup', at);
  assert.equal(await opacity(touched), '1');
  await touched.locator('button.delete').tap();
  await bob.locator('#messages li.deleted', { hasText: 'Message deleted by a moderator' }).waitFor();
  assert.deepEqual(pageErrors, []);
});

test('a deleted message leaves a stub for moderators and its sender; for viewers, as the room says', async () => {
  const alice = await openPage('Alice', true);
  const roomId = await createRoom(alice, 'stubs');
  const bob = await openPage('Bob', false);
  await enterRoom(bob, 'stubs', 'viewer');
  const carol = await openPage('Carol', false);
  await enterRoom(carol, 'stubs', 'viewer');
  await sayDelivered(bob, 'one from bob');
  await sayDelivered(carol, 'in between');
  await sayDelivered(bob, 'two from bob');
  await messages(alice, 'two from bob').waitFor();
  const lines = (page) => page.$$eval('#messages li.message .text', (els) => els.map((el) => el.textContent));
  const STUB = 'Message deleted by a moderator.';

  // By default a viewer sees nothing where it was; the moderator and Bob himself see the stub.
  await messages(alice, 'one from bob').locator('button.delete').click();
  await messages(carol, 'one from bob').waitFor({ state: 'detached' });
  await alice.locator('#messages li.deleted', { hasText: STUB }).waitFor();
  await bob.locator('#messages li.deleted', { hasText: STUB }).waitFor();
  assert.deepEqual(await lines(alice), [STUB, 'in between', 'two from bob'], 'the stub keeps its place');
  assert.deepEqual(await lines(bob), [STUB, 'in between', 'two from bob']);
  assert.deepEqual(await lines(carol), ['in between', 'two from bob']);
  assert.equal(await alice.locator('#messages li.deleted .tools').count(), 0, 'nothing left to act on');

  // The owner makes it a stub for everyone: Carol's page hears of the policy and shows one.
  const reread = carol.waitForResponse((r) => r.url().endsWith(`/rooms/${roomId}`) && r.request().method() === 'GET');
  await alice.selectOption('#p-deleted', 'stub');
  await alice.click('#policy-form button[type=submit]');
  await alice.locator('#policy-status', { hasText: 'Saved' }).waitFor();
  assert.equal((await callApi(alice, 'GET', `/rooms/${roomId}`)).body.policy.deletedForViewers, 'stub');
  await reread;
  await messages(alice, 'two from bob').locator('button.delete').click();
  await carol.locator('#messages li.deleted', { hasText: STUB }).waitFor();
  assert.deepEqual(await lines(carol), ['in between', STUB]);
  // A late joiner reads history, which keeps no deleted message.
  const dave = await openPage('Dave', false);
  await enterRoom(dave, 'stubs', 'viewer');
  assert.deepEqual(await lines(dave), ['in between']);
  assert.deepEqual(pageErrors, []);
});

test('the user card: delete, a time-out that ends by itself, kick, ban with a confirmation and undo', async () => {
  const alice = await openPage('Alice', true);
  await createRoom(alice, 'cards');
  const bob = await openPage('Bob', false);
  await enterRoom(bob, 'cards', 'viewer');
  const carol = await openPage('Carol', false);
  await enterRoom(carol, 'cards', 'viewer');
  const mia = await openPage('Mia', false);
  await enterRoom(mia, 'cards', 'viewer');
  await sayDelivered(mia, 'mia here');
  await openUserCard(alice, 'mia here');
  await alice.click('#card-promote');
  await statusIs(mia, 'connected as moderator');
  await historyLoaded(mia);
  await alice.keyboard.press('Escape');

  await sayDelivered(bob, 'first from bob');
  await sayDelivered(bob, 'second from bob');
  await sayDelivered(carol, 'hello from carol');
  await messages(mia, 'hello from carol').waitFor();

  // No buttons on every message: a moderator's quick delete shows on hover, out of the Tab order.
  assert.equal(await mia.locator('#messages button.delete[tabindex="-1"]').count(), 4);
  assert.equal(await bob.locator('#messages button.delete').count(), 0, 'viewers get none');

  // Bob's card, opened from his name: his recent messages, and what a moderator may do.
  await openUserCard(mia, 'first from bob');
  assert.equal(await mia.textContent('#card-name'), 'Bob');
  assert.deepEqual(await mia.$$eval('#card-messages .text', (items) => items.map((el) => el.textContent)),
    ['first from bob', 'second from bob']);
  assert.equal(await mia.isVisible('#card-promote'), false, 'a moderator appoints nobody');
  await mia.click('#card-delete');
  await mia.locator('#card-status', { hasText: 'Message deleted.' }).waitFor();
  await bob.locator('#messages li.deleted', { hasText: 'Message deleted by a moderator' }).waitFor();
  await messages(carol, 'first from bob').waitFor({ state: 'detached' });

  // A 5-second time-out with a reason (his messages stay): he keeps reading, the message box
  // counts down, and it comes back by itself.
  await mia.selectOption('#card-duration', '5');
  await mia.fill('#card-reason', 'cool down');
  await mia.click('#card-timeout');
  await mia.locator('#card-status', { hasText: 'Bob is timed out for 5 seconds.' }).waitFor();
  await bob.locator('#notice', { hasText: 'You are timed out until' }).waitFor();
  assert.match(await bob.textContent('#notice'), /until \d\d:\d\d( [AP]M)?: cool down\.$/);
  await bob.waitForFunction(() => /you can chat again in \d+ s/.test(document.getElementById('message').placeholder));
  assert.equal(await bob.isDisabled('#message'), true);
  await alice.locator('#bans li.ban[data-user="bob"]', { hasText: 'timed out until' }).waitFor();
  await sayDelivered(carol, 'can you read this, bob?');
  await messages(bob, 'can you read this, bob?').waitFor();
  await statusIs(bob, 'connected as viewer');
  await bob.locator('#notice', { hasText: 'Your time-out is over' }).waitFor();
  assert.equal(await bob.isDisabled('#message'), false);
  await sayDelivered(bob, 'back again');
  await messages(carol, 'back again').waitFor();
  // The bans lists drop the ended time-out by themselves.
  await alice.locator('#bans li', { hasText: 'Nobody is banned.' }).waitFor();
  await mia.locator('#bans li', { hasText: 'Nobody is banned.' }).waitFor();

  // A kick: Carol is disconnected, not banned; she rejoins when she likes.
  await mia.fill('#card-reason', '');
  await mia.keyboard.press('Escape');
  await openUserCard(mia, 'hello from carol');
  await mia.click('#card-kick');
  await mia.locator('#card-status', { hasText: 'Carol was disconnected' }).waitFor();
  await carol.locator('#notice', { hasText: 'You were disconnected by a moderator' }).waitFor();
  await statusIs(carol, 'disconnected');
  await carol.click('#rejoin');
  await statusIs(carol, 'connected as viewer');
  await mia.keyboard.press('Escape');

  // A ban asks first, removes his recent messages, and can be undone.
  await openUserCard(mia, 'back again');
  await mia.click('#card-ban');
  await mia.locator('#card-confirm', { hasText: 'Their messages stay.' }).waitFor();
  await mia.check('#card-purge');
  await mia.locator('#card-confirm', { hasText: 'Their recent messages go too.' }).waitFor();
  await mia.click('#card-ban-cancel');
  await mia.locator('#card-confirm').waitFor({ state: 'hidden' });
  assert.equal(await messages(carol, 'back again').count(), 1, 'cancelled: nothing happened');
  await mia.click('#card-ban');
  assert.equal(await mia.isChecked('#card-purge'), false, 'asked again each time, unticked');
  await mia.check('#card-purge');
  await mia.click('#card-ban-confirm');
  await mia.locator('#card-status', { hasText: 'Bob is banned.' }).waitFor();
  await bob.locator('#notice', { hasText: 'you are banned from this room' }).waitFor();
  await messages(carol, 'back again').waitFor({ state: 'detached' });
  await alice.locator('#bans li.ban[data-user="bob"]', { hasText: 'banned' }).waitFor();
  await mia.click('#card-undo');
  await mia.locator('#card-status', { hasText: 'Bob may chat again.' }).waitFor();
  await alice.locator('#bans li', { hasText: 'Nobody is banned.' }).waitFor();
  await bob.click('#rejoin');
  await statusIs(bob, 'connected as viewer');
  await bob.locator('#notice', { hasText: 'Your ban was lifted' }).waitFor();

  // A long time-out ended early from the bans list: the timed-out page hears of it at once.
  await mia.keyboard.press('Escape');
  await sayDelivered(bob, 'third time lucky');
  await openUserCard(mia, 'third time lucky');
  await mia.selectOption('#card-duration', '604800');
  await mia.click('#card-timeout');
  await statusIs(bob, 'read only (timed out)');
  await alice.locator('#bans li.ban[data-user="bob"] button', { hasText: 'End time-out' }).click();
  await statusIs(bob, 'connected as viewer');
  await bob.locator('#notice', { hasText: 'Your time-out is over' }).waitFor();
  assert.deepEqual(pageErrors, []);
});

test('a time-out is not a ban: its own words, and it takes no messages; a ban takes them only when asked', async () => {
  const alice = await openPage('Alice', true);
  const roomId = await createRoom(alice, 'timeouts');
  const bob = await openPage('Bob', false);
  await enterRoom(bob, 'timeouts', 'viewer');
  const carol = await openPage('Carol', false);
  await enterRoom(carol, 'timeouts', 'viewer');
  await sayDelivered(bob, 'one from bob');
  await sayDelivered(bob, 'two from bob');
  await messages(carol, 'two from bob').waitFor();
  const actions = async () => (await callApi(alice, 'GET', `/rooms/${roomId}/audit`)).body.entries.map((e) => e.action);

  // The card offers no "remove their messages" beside the time-out: that is the ban's question.
  await openUserCard(alice, 'two from bob');
  assert.equal(await alice.isVisible('#card-purge'), false);
  await alice.selectOption('#card-duration', '600');
  await alice.click('#card-timeout');
  await alice.locator('#card-status', { hasText: 'Bob is timed out for 10 minutes.' }).waitFor();
  await statusIs(bob, 'read only (timed out)');
  // No reason given: he is told he was timed out, by a moderator — not banned.
  await bob.locator('#notice', { hasText: 'You are timed out by a moderator until' }).waitFor();
  assert.doesNotMatch(await bob.textContent('#notice'), /ban/i);
  assert.ok((await actions()).includes('USER_TIMED_OUT'));
  assert.ok(!(await actions()).includes('MESSAGES_PURGED'), 'a time-out removes no messages');
  for (const page of [carol, alice, bob]) {
    assert.equal(await messages(page, 'from bob').count(), 2);
    assert.equal(await page.locator('#messages li.deleted').count(), 0);
  }
  await alice.keyboard.press('Escape');
  await alice.locator('#bans li.ban[data-user="bob"] button', { hasText: 'End time-out' }).click();
  await statusIs(bob, 'connected as viewer');

  // A ban with the box left as it is: he goes, what he said stays.
  await openUserCard(alice, 'two from bob');
  await alice.click('#card-ban');
  await alice.locator('#card-confirm', { hasText: 'Their messages stay.' }).waitFor();
  await alice.click('#card-ban-confirm');
  await alice.locator('#card-status', { hasText: 'Bob is banned.' }).waitFor();
  await bob.locator('#notice', { hasText: 'you are banned' }).waitFor();
  assert.ok(!(await actions()).includes('MESSAGES_PURGED'));
  assert.equal(await messages(carol, 'from bob').count(), 2);
  assert.equal(await carol.locator('#messages li.deleted').count(), 0);
  await alice.click('#card-undo');
  await alice.locator('#card-status', { hasText: 'Bob may chat again.' }).waitFor();
  assert.deepEqual(pageErrors, []);
});

test('words for people: refusals are sentences, short cheers are no shouting, the editor has every rule', async () => {
  const alice = await openPage('Alice', true);
  const roomId = await createRoom(alice, 'words');
  // The editor shows the room's policy (here the default) with every rule's setting.
  const room = (await callApi(alice, 'GET', `/rooms/${roomId}`)).body;
  const shown = async () => alice.evaluate(() => Object.fromEntries(
    [...document.querySelectorAll('#policy-form input, #policy-form select')]
      .map((el) => [el.id, el.type === 'checkbox' ? el.checked : el.value]),
  ));
  assert.deepEqual(await shown(), {
    'p-blocked-action': 'deny', 'p-profanity': 'moderate', 'p-profanity-action': 'mask',
    'p-hostility': 'moderate', 'p-hostility-action': 'hold', 'p-discrimination': 'moderate',
    'p-discrimination-action': 'hold', 'p-hold': false, 'p-links': 'allow', 'p-caps': true,
    'p-caps-ratio': '70', 'p-caps-letters': '12', 'p-caps-words': '4', 'p-repeated': '12',
    'p-phrases': '3', 'p-duplicate': '30', 'p-slow': '0', 'p-rate': String(room.maximumMessageRatePerSecond),
    'p-timeout': '300', 'p-deleted': 'hide',
  });
  // Before anyone chats (the review function caches a room's policy for a few seconds).
  await alice.selectOption('#p-links', 'block');
  await alice.click('#policy-form button[type=submit]');
  await alice.locator('#policy-status', { hasText: 'Saved' }).waitFor();
  const bob = await openPage('Bob', false);
  await enterRoom(bob, 'words', 'viewer');

  // Short cheers are never shouting; a shouted sentence is refused in words, and so is a link.
  for (const cheer of ['GG', 'LETS GO', 'TROLL SPAM 1 lol']) await sayDelivered(bob, cheer);
  await say(bob, 'WHY IS NOBODY LISTENING TO ME RIGHT NOW');
  await bob.locator('#messages li.refused', { hasText: 'NOBODY' }).waitFor();
  await bob.fill('#message', '');
  await say(bob, 'look at https://example.com/x');
  await bob.locator('#messages li.refused', { hasText: 'example.com' }).waitFor();
  await bob.fill('#message', '');
  assert.deepEqual(await bob.$$eval('#messages .refusal', (els) => els.map((el) => el.textContent)), [
    'Not sent. It is mostly capital letters: write it in lower case. Only you can see this.',
    'Not sent. Links to that site are not allowed in this room. Only you can see this.',
  ]);
  assert.doesNotMatch(await bob.textContent('#room'), /[A-Z]+_[A-Z]+/, 'no rule code anywhere on his page');

  // The owner changes every kind of rule in the editor; the room has what she chose, and her
  // page shows it again after a reload.
  await alice.uncheck('#p-caps');
  assert.equal(await alice.isDisabled('#p-caps-words'), true, 'caps off: its settings rest');
  await alice.fill('#p-repeated', '20');
  await alice.fill('#p-phrases', '5');
  await alice.fill('#p-duplicate', '10');
  await alice.fill('#p-rate', '5');
  await alice.selectOption('#p-hostility', 'strict');
  await alice.selectOption('#p-hostility-action', 'deny');
  await alice.selectOption('#p-discrimination', 'low');
  await alice.selectOption('#p-discrimination-action', 'mask');
  await alice.click('#policy-form button[type=submit]');
  await alice.locator('#policy-status', { hasText: 'Saved' }).waitFor();
  const saved = (await callApi(alice, 'GET', `/rooms/${roomId}`)).body;
  assert.equal(saved.maximumMessageRatePerSecond, 5);
  assert.deepEqual(saved.policy.spam, {
    maxCapsRatio: 1, capsMinLetters: 12, capsMinWords: 4, maxRepeatedChars: 20,
    duplicateWindowSeconds: 10, maxPhraseRepeats: 5,
  });
  assert.equal(saved.policy.hostility, 'strict');
  assert.equal(saved.policy.discrimination, 'low');
  assert.equal(saved.policy.actions.hostility, 'deny');
  assert.equal(saved.policy.actions.discrimination, 'mask');
  assert.equal(saved.policy.links.mode, 'block');
  const before = await shown();
  await alice.reload();
  await statusIs(alice, 'connected as admin');
  assert.deepEqual(await shown(), before);

  // Caps off: once the room's new policy reaches the review (a few seconds), shouting passes.
  await bob.waitForTimeout(5500);
  await sayDelivered(bob, 'I CAN SHOUT ALL I LIKE NOW, CAN I NOT');
  assert.deepEqual(pageErrors, []);
});

test('feedback: slow mode shows and counts down, refused text is kept, masking is told', async () => {
  const alice = await openPage('Alice', true);
  const roomId = await createRoom(alice, 'feedback');
  // Before anyone chats (the review function caches a room's policy for a few seconds).
  const patched = await callApi(alice, 'PATCH', `/rooms/${roomId}`, {
    policy: { blockedTerms: ['spoiler*'], profanity: 'moderate', actions: { profanity: 'mask' } },
  });
  assert.equal(patched.status, 200);
  const bob = await openPage('Bob', false);
  await enterRoom(bob, 'feedback', 'viewer');
  const carol = await openPage('Carol', false);
  await enterRoom(carol, 'feedback', 'viewer');

  // Masked: Bob is told part of his message was hidden; the others see only the masked text.
  await say(bob, 'what the fuck, order 4512 is late');
  const masked = bob.locator('#messages li.message.masked');
  await masked.locator('.masked-note', { hasText: 'Part of your message was hidden' }).waitFor();
  const delivered = await masked.locator('.text').textContent();
  assert.match(delivered, /^what the \*+, order 4512 is late$/, 'the number stays');
  await messages(carol, 'order 4512 is late').waitFor();
  assert.equal(await carol.locator('#messages .masked-note').count(), 0);

  // Refused: the reason shows in view, and the text comes back to the box to be changed.
  await say(bob, 'spoiler: the hero wins');
  const refused = bob.locator('#messages li.refused', { hasText: 'the hero wins' });
  await refused.locator('.refusal', { hasText: 'This room does not allow one of the words in it.' }).waitFor();
  assert.equal(await bob.inputValue('#message'), 'spoiler: the hero wins');
  const inView = await refused.locator('.refusal').evaluate((el) => {
    const box = el.getBoundingClientRect();
    const list = document.getElementById('log').getBoundingClientRect();
    return box.top >= list.top && box.bottom <= list.bottom;
  });
  assert.ok(inView, 'the refusal line is in sight');
  await bob.fill('#message', '');

  // Slow mode turned on from the policy form shows on the viewers' pages at once.
  await alice.fill('#p-slow', '3');
  await alice.click('#policy-form button[type=submit]');
  await alice.locator('#policy-status', { hasText: 'Saved' }).waitFor();
  await bob.locator('#slow-mode', { hasText: 'Slow mode 3 s' }).waitFor();
  await carol.locator('#messages li.system', { hasText: 'Slow mode is on: one message every 3 s.' }).waitFor();
  await alice.locator('#slow-mode', { hasText: 'not for you' }).waitFor();

  // After a message, Bob's Send button counts down, then is back by itself; what he typed waits.
  await sayDelivered(bob, 'a slow one');
  await bob.waitForFunction(() => /^\d s$/.test(document.getElementById('send').textContent));
  assert.equal(await bob.isDisabled('#send'), true);
  await bob.fill('#message', 'typed while waiting');
  await bob.waitForFunction(() => document.getElementById('send').textContent === 'Send', null, { timeout: 6000 });
  assert.equal(await bob.isDisabled('#send'), false);
  assert.equal(await bob.inputValue('#message'), 'typed while waiting');
  // The server's slow mode agrees once its cached policy catches up; the page does not count on it.
  assert.deepEqual(pageErrors, []);
});

test('readability: own messages, role badges, name colours and mentions stand out', async () => {
  const alice = await openPage('Alice', true);
  await createRoom(alice, 'readable');
  const bob = await openPage('Bob', false);
  await enterRoom(bob, 'readable', 'viewer');
  const carol = await openPage('Carol', false);
  await enterRoom(carol, 'readable', 'viewer');
  await sayDelivered(alice, 'welcome everyone');
  await sayDelivered(carol, 'hey @bob, look at this');
  await sayDelivered(bob, 'hello');
  await messages(bob, 'hey @bob').waitFor();
  await messages(bob, 'welcome everyone').waitFor();

  assert.match(await messages(bob, 'hello').getAttribute('class'), /\bown\b/);
  assert.match(await messages(bob, 'hey @bob').getAttribute('class'), /\bmention\b/);
  await messages(bob, 'hey @bob').locator('.mention-tag', { hasText: 'mentions you' }).waitFor();
  assert.doesNotMatch(await messages(carol, 'hey @bob').getAttribute('class'), /\bmention\b/, 'not Carol\'s mention');
  await messages(bob, 'welcome everyone').locator('.badge', { hasText: 'admin' }).waitFor();
  const colours = await bob.$$eval('#messages li.message .name', (names) => [...new Set(names.map((n) => n.style.color))]);
  assert.equal(colours.length, 3, `one colour per person: ${colours}`);
  assert.deepEqual(pageErrors, []);
});
