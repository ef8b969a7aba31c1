// The chat page's start (native ES modules, no framework, no build step): fills in the calls
// that go up the layers (hooks.js), wires the page's controls to the modules that act on them,
// reads the back end's config.json, and resumes this tab's sign-in or asks for one.

import { RETRY_MAX_MS, state } from './state.js';
import { $, show } from './dom.js';
import { up } from './hooks.js';
import { ApiError } from './api.js';
import { roomFromUrl, setView } from './place.js';
import { addModerator, capsChanged, loadAudit, renderPeople, savePolicy, setHeldOrder } from './moderation.js';
import { wireCard } from './card.js';
import { moveInList, nearBottom, renderPaused, scrollDown, setActiveName, systemLine, wireLongPress } from './messages.js';
import { renderComposer, send } from './composer.js';
import { applyRoom, join, reconnect, refreshRoom, stopRetrying } from './connection.js';
import { loadOlder } from './history.js';
import { createRoom } from './rooms.js';
import { DEV_SESSION, enterLobby, showSignIn, signIn, signOut } from './session.js';
import { kind, loadConfig, resumeCognito } from './identity.js';
import { wireSignIn } from './signin.js';
import { keepFocus } from './focus.js';

// Calls that go up the module layers (see hooks.js).
Object.assign(up, { signOut, peopleChanged: renderPeople, refreshRoom, applyRoom, reconnect, announce: systemLine });

$('sign-in-form').addEventListener('submit', signIn);
$('sign-out').addEventListener('click', () => signOut());
$('new-room').addEventListener('submit', createRoom);
$('composer').addEventListener('submit', send);
$('rejoin').addEventListener('click', () => {
  if (state.retry.attempt > 0 && state.retry.again) {
    stopRetrying();
    state.retry.again();
    return;
  }
  if (!state.room) return;
  if (state.lock && state.lock.kind === 'kicked') join(state.room.id, { focus: true });
  else reconnect();
});
$('policy-form').addEventListener('submit', savePolicy);
$('p-caps').addEventListener('change', capsChanged);
$('add-moderator').addEventListener('submit', addModerator);
$('refresh-audit').addEventListener('click', loadAudit);
for (const radio of document.querySelectorAll('input[name="held-order"]')) {
  radio.addEventListener('change', () => setHeldOrder(radio.value));
}
$('paused').addEventListener('click', scrollDown);
// On a phone a notice takes one line: a tap shows all of it.
$('notice').addEventListener('click', () => $('notice').classList.toggle('expanded'));
$('log').addEventListener('keydown', moveInList);
$('log').addEventListener('focusin', (event) => {
  if (event.target.classList.contains('name')) setActiveName(event.target);
});
$('log').addEventListener('scroll', () => {
  // Near the top: the page of history before it.
  if ($('log').scrollTop < 150) loadOlder();
  const atBottom = nearBottom();
  if (atBottom === state.pinned) return;
  state.pinned = atBottom;
  if (atBottom) state.unread = 0;
  renderPaused();
});
for (const b of document.querySelectorAll('[data-view]')) {
  if (b.tagName === 'BUTTON') b.addEventListener('click', () => setView(b.dataset.view, { focus: true }));
}
$('skip-to-message').addEventListener('click', (event) => {
  event.preventDefault();
  setView('chat');
  if (!$('message').disabled) $('message').focus();
  else $('log').focus();
});
window.addEventListener('hashchange', () => {
  const roomId = roomFromUrl();
  if (state.session && roomId && (!state.room || state.room.id !== roomId)) join(roomId, { focus: true });
});
// Back online: no need to wait for the next try.
window.addEventListener('online', () => {
  if (!state.retry.timer) return;
  stopRetrying();
  state.retry.again();
});
// The countdowns (slow mode, a time-out) in the message box.
setInterval(() => { if (state.room) renderComposer(); }, 250);
wireCard();
wireLongPress();
keepFocus();
wireSignIn();

/** A reload: back where the page was; while the server cannot be reached, it keeps trying. */
function resume(delay) {
  enterLobby({ focus: true }).catch((e) => {
    if (e instanceof ApiError) {
      signOut();
      return;
    }
    $('rooms-error').textContent = 'The chat server cannot be reached: trying again…';
    setTimeout(() => resume(Math.min(delay * 2, RETRY_MAX_MS)), delay);
  });
}

/** Reads config.json (until it can), then resumes this tab's sign-in or asks for one. */
async function start(delay) {
  try {
    await loadConfig();
  } catch (e) {
    show($('sign-in'), true);
    $('sign-in-error').textContent = `The chat cannot start: ${e.message}. Trying again…`;
    setTimeout(() => start(Math.min(delay * 2, RETRY_MAX_MS)), delay);
    return;
  }
  show($('stage-tag'), kind() === 'dev');
  if (kind() === 'cognito') {
    const session = await resumeCognito().catch(() => null);
    if (session) resume(1000);
    else showSignIn();
    return;
  }
  const saved = kind() === 'dev' && sessionStorage.getItem(DEV_SESSION);
  if (!saved) {
    showSignIn();
    return;
  }
  try {
    state.session = JSON.parse(saved);
  } catch {
    signOut();
  }
  if (state.session) resume(1000);
}

show($('skip-to-message'), false);
start(1000);
