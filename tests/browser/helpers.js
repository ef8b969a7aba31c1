// What the browser tests share: chat-local started on free ports with a fresh data directory,
// Debian's Chromium, and signed-in pages with a few ways to act on and wait for them.
'use strict';

const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const BIN = process.env.CHAT_LOCAL_BIN
  || path.join(__dirname, '..', '..', 'target', 'debug', 'chat-local');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
// Without the background-networking flags Chromium keeps dialling Google's hosts, which this
// machine's closed network refuses.
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const WAIT = 15_000;

/**
 * Starts chat-local on free ports with a fresh data directory; resolves once it is serving.
 * `again` (a stack stopped with `stopProcess`) starts it anew on that one's ports and data.
 */
function startStack(env = {}, again = null) {
  const dir = again ? again.dir : fs.mkdtempSync(path.join(os.tmpdir(), 'chat-local-browser-'));
  const ports = again
    ? ['--port', String(again.port), '--emulator-port', String(again.emulatorPort)]
    : ['--port', '0', '--emulator-port', '0'];
  const child = spawn(BIN, [...ports, '--data-dir', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  return new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`chat-local did not start:\n${stdout}\n${stderr}`)), 30_000);
    child.on('exit', (code) => reject(new Error(`chat-local exited (${code}):\n${stderr}`)));
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const page = stdout.match(/Chat page\s+(http:\/\/\S+?)\/?\s/);
      const emulator = stdout.match(/IVS Chat\s+http:\/\/\S+:(\d+)\s/);
      if (page && emulator) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        const url = page[1];
        resolve({ child, url, dir, env, port: Number(new URL(url).port), emulatorPort: Number(emulator[1]) });
      }
    });
  });
}

/** Stops the process with SIGTERM, as Ctrl-C would, expecting a clean exit; keeps its data. */
async function stopProcess(stack) {
  if (stack.child.exitCode === null) {
    const exited = new Promise((resolve) => stack.child.on('exit', resolve));
    stack.child.kill('SIGTERM');
    assert.equal(await exited, 0, 'chat-local shuts down cleanly on SIGTERM');
  }
}

/** Stops it and deletes its data directory. */
async function stopStack(stack) {
  await stopProcess(stack);
  fs.rmSync(stack.dir, { recursive: true, force: true });
}

function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/**
 * A page of its own (its own sign-in) at `url`, signed in as `name`; its errors go to `errors`.
 * `options.viewport` sets its size (a desktop by default), `options.touch` makes it a touch
 * screen; `options.hash` opens a room link; `options.watch(page)` runs before the page loads.
 */
async function signIn(browser, url, name, admin, errors, options = {}) {
  const touch = options.touch ? { hasTouch: true, isMobile: true } : {};
  const context = await browser.newContext({ viewport: options.viewport || { width: 1280, height: 800 }, ...touch });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  // Listeners a test needs from the first request on (a room in the hash loads at sign-in).
  if (options.watch) options.watch(page);
  const own = [];
  const failed = (what) => {
    own.push(what);
    errors.push(`${name}: ${what}`);
  };
  // Uncaught errors, a module's missing export among them.
  page.on('pageerror', (e) => failed(e.message));
  // A page module that does not load throws no page error: it only leaves a dead page.
  page.on('response', (r) => {
    if (r.request().resourceType() === 'script' && !r.ok()) failed(`${r.url()} answered ${r.status()}`);
  });
  page.on('requestfailed', (r) => {
    if (r.resourceType() === 'script') failed(`${r.url()} failed: ${(r.failure() || {}).errorText}`);
  });
  await page.goto(`${url}/${options.hash || ''}`);
  // Fail here, saying why, rather than later on a sign-in form that does nothing.
  assert.deepEqual(own, [], `${name}'s page starts without errors`);
  await page.fill('#name', name);
  if (admin) await page.check('#admin');
  await page.click('#sign-in-form button[type=submit]');
  await page.locator('#lobby').waitFor();
  return page;
}

const messages = (page, text) => page.locator('#messages li.message').filter({ hasText: text });

async function say(page, text) {
  await page.fill('#message', text);
  await page.press('#message', 'Enter');
}

async function statusIs(page, text) {
  await page.waitForFunction(
    (expected) => document.getElementById('status').textContent === expected,
    text,
    { timeout: WAIT },
  );
}

/** Waits until the page's list holds the room's history (the list is busy while it loads). */
async function historyLoaded(page) {
  await page.waitForFunction(
    () => document.getElementById('log').getAttribute('aria-busy') === 'false',
    null,
    { timeout: WAIT },
  );
}

/** Picks the room from the list and waits until connected as `role`, with history in. */
async function enterRoom(page, room, role) {
  await page.click(`.room-button:has-text("${room}")`);
  await statusIs(page, `connected as ${role}`);
  await historyLoaded(page);
}

/** The id of the room the page is in (from its URL). */
const roomIdOf = (page) => page.evaluate(() => decodeURIComponent(location.hash.replace('#/rooms/', '')));

/** Calls the App API as the page's signed-in user; resolves to {status, body}. */
function callApi(page, method, path, body) {
  return page.evaluate(async ([method, path, body]) => {
    const { token } = JSON.parse(sessionStorage.getItem('chat-local-session'));
    const headers = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  }, [method, path, body]);
}

/** An administrator's page creates a room through the form and is connected to it. */
async function createRoom(page, name) {
  await page.fill('#room-name', name);
  await page.click('#new-room button[type=submit]');
  await statusIs(page, 'connected as admin');
  await historyLoaded(page);
  return roomIdOf(page);
}

/** Opens the user card of the sender of the message with `text`, by clicking their name. */
async function openUserCard(page, text) {
  await messages(page, text).first().locator('.name').click();
  await page.locator('#user-card[open]').waitFor();
}

module.exports = {
  WAIT, startStack, stopProcess, stopStack, launchBrowser, signIn, messages, say, statusIs, historyLoaded,
  enterRoom, openUserCard, roomIdOf, callApi, createRoom,
};
