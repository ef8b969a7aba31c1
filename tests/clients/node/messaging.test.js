// The official amazon-ivs-chat-messaging client, unchanged, against the emulator.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { SendMessageRequest, DeleteMessageRequest, DisconnectUserRequest } = require('amazon-ivs-chat-messaging');
const { startEmulator, next, ivschat } = require('./harness.js');

let emu;
test.before(async () => { emu = await startEmulator(); });
test.after(async () => { await emu.stop(); });

test('connect, send and receive', async () => {
  const room = await emu.createRoom();
  const alice = await emu.join(room, 'alice', ['SEND_MESSAGE'], { displayName: 'Alice' });
  const bob = await emu.join(room, 'bob', []);
  const received = next(bob, 'message');
  const sent = await alice.sendMessage(new SendMessageRequest('hello from node', { color: 'blue' }));
  const got = await received;
  assert.equal(got.id, sent.id);
  assert.equal(got.content, 'hello from node');
  assert.deepEqual(got.attributes, { color: 'blue' });
  assert.equal(got.sender.userId, 'alice');
  assert.deepEqual(got.sender.attributes, { displayName: 'Alice' });
  assert.ok(got.sendTime instanceof Date && !Number.isNaN(got.sendTime.getTime()));
  await assert.rejects(bob.sendMessage(new SendMessageRequest('no capability')), (err) => err.errorCode === 403);
});

test('delete a message', async () => {
  const room = await emu.createRoom();
  const mod = await emu.join(room, 'mod', ['SEND_MESSAGE', 'DELETE_MESSAGE']);
  const viewer = await emu.join(room, 'viewer');
  const message = await viewer.sendMessage(new SendMessageRequest('oops'));
  const seen = next(viewer, 'messageDelete');
  const event = await mod.deleteMessage(new DeleteMessageRequest(message.id, 'off topic'));
  assert.equal(event.messageId, message.id);
  const atViewer = await seen;
  assert.equal(atViewer.messageId, message.id);
  assert.equal(atViewer.reason, 'off topic');
});

test('disconnect a user', async () => {
  const room = await emu.createRoom();
  const mod = await emu.join(room, 'mod', ['DISCONNECT_USER']);
  const troll = await emu.join(room, 'troll');
  const cut = next(troll, 'disconnect');
  const event = await mod.disconnectUser(new DisconnectUserRequest('troll', 'spam'));
  assert.equal(event.userId, 'troll');
  assert.equal(event.reason, 'spam');
  assert.equal(await cut, 'serverDisconnect');
  assert.equal(troll.state, 'disconnected');
});

test('events sent through the control plane (AWS SDK for JavaScript v3)', async () => {
  const room = await emu.createRoom();
  const viewer = await emu.join(room, 'viewer');
  const got = next(viewer, 'event');
  const out = await emu.client.send(new ivschat.SendEventCommand({ roomIdentifier: room.arn, eventName: 'app:poll', attributes: { q: 'best?' } }));
  const event = await got;
  assert.equal(event.id, out.id);
  assert.equal(event.eventName, 'app:poll');
  assert.deepEqual(event.attributes, { q: 'best?' });
  const userDisconnect = next(viewer, 'userDisconnect');
  const gone = next(viewer, 'disconnect');
  await emu.client.send(new ivschat.DisconnectUserCommand({ roomIdentifier: room.arn, userId: 'viewer', reason: 'bye' }));
  assert.equal((await userDisconnect).userId, 'viewer');
  assert.equal(await gone, 'serverDisconnect');
});

test('message review: allow, rewrite, deny with the reason, timeout falls back', async () => {
  const room = await emu.reviewedRoom('ALLOW');
  const alice = await emu.join(room, 'alice');
  const plain = await alice.sendMessage(new SendMessageRequest('fine message'));
  assert.equal(plain.content, 'fine message');
  const masked = await alice.sendMessage(new SendMessageRequest('mask my secret'));
  assert.equal(masked.content, 'mask my ******');
  await assert.rejects(alice.sendMessage(new SendMessageRequest('deny this')), (err) => {
    assert.equal(err.errorCode, 406);
    assert.match(err.errorMessage, /BLOCKED_TERM/);
    return true;
  });
  const started = Date.now();
  const late = await alice.sendMessage(new SendMessageRequest('slow'));
  assert.equal(late.content, 'slow', 'fallback ALLOW delivers the original');
  assert.ok(Date.now() - started < 700, 'the review timeout cut the wait');
  const strict = await emu.reviewedRoom('DENY');
  const bob = await emu.join(strict, 'bob');
  await assert.rejects(bob.sendMessage(new SendMessageRequest('slow')), (err) => err.errorCode === 406);
});

test('rate limiting across the room', async () => {
  const room = await emu.createRoom({ maximumMessageRatePerSecond: 2 });
  const a = await emu.join(room, 'a');
  const b = await emu.join(room, 'b');
  await a.sendMessage(new SendMessageRequest('1'));
  await b.sendMessage(new SendMessageRequest('2'));
  await assert.rejects(a.sendMessage(new SendMessageRequest('3')), (err) => err.errorCode === 429);
  await new Promise((r) => setTimeout(r, 1100));
  await a.sendMessage(new SendMessageRequest('4'));
});

test('over-long messages and large attributes are refused', async () => {
  const room = await emu.createRoom({ maximumMessageLength: 10 });
  const a = await emu.join(room, 'a');
  await assert.rejects(a.sendMessage(new SendMessageRequest('x'.repeat(11))), (err) => err.errorCode === 400);
  await assert.rejects(a.sendMessage(new SendMessageRequest('ok', { big: 'y'.repeat(1100) })), (err) => err.errorCode === 413);
  const ok = await a.sendMessage(new SendMessageRequest('ten chars!'));
  assert.equal(ok.content, 'ten chars!');
});
