// Starts the real emulator binary, a stand-in Lambda Invoke API for review handlers, and
// hands out official clients: @aws-sdk/client-ivschat for the control plane and
// amazon-ivs-chat-messaging's ChatRoom (on Node's `ws`, as the browser's WebSocket) for chat.
'use strict';
const { spawn } = require('node:child_process');
const http = require('node:http');
const path = require('node:path');
const readline = require('node:readline');

globalThis.WebSocket = require('ws');
const { ChatRoom } = require('amazon-ivs-chat-messaging');
const ivschat = require('@aws-sdk/client-ivschat');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BINARY = process.env.IVSCHAT_EMULATOR_BIN || path.join(ROOT, 'target', 'debug', 'ivschat-emulator');
const REVIEW_LAMBDA = 'arn:aws:lambda:us-east-1:123456789012:function:message-review';

/** A Lambda Invoke API whose verdict depends on the message: "deny ..." → DENY, "slow" → too late, "mask ..." → rewrite. */
function startReviewer() {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const payload = JSON.parse(body);
      const answer = (verdict) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(verdict));
      };
      if (payload.Content.startsWith('deny')) {
        answer({ ReviewResult: 'DENY', Content: payload.Content, Attributes: { Reason: 'BLOCKED_TERM' } });
      } else if (payload.Content === 'slow') {
        setTimeout(() => answer({ ReviewResult: 'DENY', Attributes: { Reason: 'late' } }), 800);
      } else if (payload.Content.startsWith('mask')) {
        answer({ ReviewResult: 'ALLOW', Content: payload.Content.replace(/secret/g, '******'), Attributes: {} });
      } else {
        answer({ ReviewResult: 'ALLOW', Content: payload.Content, Attributes: payload.Attributes });
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function startEmulator(extraArgs = []) {
  const reviewer = await startReviewer();
  const lambda = `http://127.0.0.1:${reviewer.address().port}`;
  const child = spawn(BINARY, ['--bind', '127.0.0.1:0', '--lambda-endpoint', lambda, ...extraArgs], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, RUST_LOG: 'error' },
  });
  const lines = readline.createInterface({ input: child.stdout });
  const first = await new Promise((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  if (!first.startsWith('listening on ')) throw new Error(`unexpected first line ${first}`);
  const endpoint = first.slice('listening on '.length);
  const client = new ivschat.IvschatClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const rooms = [];
  return {
    endpoint,
    wsUrl: endpoint.replace('http://', 'ws://'),
    client,
    async createRoom(input = {}) {
      return client.send(new ivschat.CreateRoomCommand(input));
    },
    async reviewedRoom(fallbackResult = 'ALLOW') {
      return client.send(new ivschat.CreateRoomCommand({ messageReviewHandler: { uri: REVIEW_LAMBDA, fallbackResult } }));
    },
    /** A connected ChatRoom for `userId` with `capabilities`. */
    async join(room, userId, capabilities = ['SEND_MESSAGE'], attributes = {}) {
      const chat = new ChatRoom({
        regionOrUrl: this.wsUrl,
        tokenProvider: async () => {
          const out = await client.send(
            new ivschat.CreateChatTokenCommand({ roomIdentifier: room.arn, userId, capabilities, attributes }),
          );
          return { token: out.token, sessionExpirationTime: out.sessionExpirationTime, tokenExpirationTime: out.tokenExpirationTime };
        },
      });
      chat.logger = { debug() {}, info() {}, error() {} };
      rooms.push(chat);
      await new Promise((resolve, reject) => {
        const offConnect = chat.addListener('connect', () => { offConnect(); offDisconnect(); resolve(); });
        const offDisconnect = chat.addListener('disconnect', (reason) => { offConnect(); offDisconnect(); reject(new Error(`disconnected: ${reason}`)); });
        chat.connect();
      });
      return chat;
    },
    async stop() {
      for (const chat of rooms) if (chat.state !== 'disconnected') chat.disconnect();
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      reviewer.close();
    },
  };
}

/** Resolves with the next `eventName` payload of a ChatRoom. */
function next(chat, eventName, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { off(); reject(new Error(`no ${eventName} within ${timeoutMs} ms`)); }, timeoutMs);
    const off = chat.addListener(eventName, (payload) => { clearTimeout(timer); off(); resolve(payload); });
  });
}

module.exports = { startEmulator, next, ivschat };
