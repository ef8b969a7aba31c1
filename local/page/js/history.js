// What was said before: the room's history, put in place by time and drawn once — the newest
// page at once, older pages as the reader scrolls up, until the room's window ends — and held
// messages a moderator approved.

import { state } from './state.js';
import { $, element } from './dom.js';
import { api, fromView } from './api.js';
import { notice } from './notice.js';
import { seenPerson } from './people.js';
import { arrived, listChanged, messageItem, renderPaused, scrollDown } from './messages.js';

// Draws a delivered message once: live frames, history and approvals can carry the same id.
// Returns its <li>, or null when it is on screen already.
export function addMessage(message, place) {
  seenPerson(message.userId, message.displayName, message.role);
  if (message.id && state.seen.has(message.id)) return null;
  if (message.id) state.seen.add(message.id);
  const item = messageItem(message);
  place(item);
  listChanged();
  return item;
}

// History goes where it belongs in time: above what arrived live while it loaded, and on a
// rejoin after what the page saw before.
function placeInTime(item) {
  const at = Number(item.dataset.time);
  const timed = [...document.querySelectorAll('#messages li[data-time]')];
  const later = timed.find((li) => Number(li.dataset.time) > at);
  if (later) later.before(item);
  else if (timed.length > 0) timed[timed.length - 1].after(item);
  else if ($('beginning')) $('beginning').after(item);
  else $('messages').prepend(item);
}

// How many messages a history request asks for.
const PAGE = 50;

/** "This is the beginning of the chat" above the oldest message, once there is nothing older. */
function renderBeginning(room) {
  const older = state.older;
  const done = older && older.room === room.id && !older.next;
  const marker = $('beginning');
  if (done && !marker) {
    const item = element('li', 'beginning', 'This is the beginning of the chat.');
    item.id = 'beginning';
    $('messages').prepend(item);
  } else if (!done && marker) {
    marker.remove();
  }
}

/** A list too short to scroll cannot be scrolled up: it asks for older pages by itself. */
function fillScreen() {
  const list = $('log');
  if (list.scrollHeight <= list.clientHeight + 1) loadOlder();
}

/**
 * The page before the oldest message on screen (the history API's cursor), when the reader
 * nears the top; what they were reading stays where it was.
 */
export async function loadOlder() {
  const room = state.room;
  const older = state.older;
  if (!room || !older || older.room !== room.id || !older.next || older.loading) return;
  older.loading = true;
  historyBusy(true);
  let page;
  try {
    page = await api('GET', `/rooms/${encodeURIComponent(room.id)}/messages?limit=${PAGE}&before=${encodeURIComponent(older.next)}`);
  } catch (e) {
    older.loading = false;
    if (state.room !== room) return;
    historyBusy(false);
    if (e.status !== 403) notice(`Older messages not loaded: ${e.message}`, 'error');
    return;
  }
  if (state.room !== room || state.older !== older) return;
  const list = $('log');
  const fromBottom = list.scrollHeight - list.scrollTop;
  for (const view of page.messages) addMessage(fromView(view), placeInTime);
  older.next = page.next;
  older.loading = false;
  renderBeginning(room);
  historyBusy(false);
  list.scrollTop = list.scrollHeight - fromBottom;
  fillScreen();
}

// While history loads the list is busy: screen readers do not read old messages out as new.
export function historyBusy(busy) {
  $('log').setAttribute('aria-busy', String(busy));
  listChanged();
}

export async function loadHistory(room) {
  historyBusy(true);
  let page;
  try {
    page = await api('GET', `/rooms/${encodeURIComponent(room.id)}/messages?limit=${PAGE}`);
  } catch (e) {
    // 403: banned, which the connection reports already.
    if (e.status !== 403 && state.room === room) notice(`History not loaded: ${e.message}`, 'error');
    if (state.room === room) historyBusy(false);
    return;
  }
  if (state.room !== room) return; // another room was chosen meanwhile
  // Newest first from the API; oldest first on screen.
  let added = 0;
  for (const view of [...page.messages].reverse()) {
    if (addMessage(fromView(view), placeInTime)) added += 1;
  }
  // The first page for this room says where older pages start; a rejoin's keeps that place.
  if (!state.older || state.older.room !== room.id) state.older = { room: room.id, next: page.next, loading: false };
  renderBeginning(room);
  historyBusy(false);
  if (state.pinned) scrollDown();
  else if (added) { state.unread += added; renderPaused(); }
  fillScreen();
}

// The sender's own held copy of a message, which the approved one replaces.
function ownHeldCopy(message) {
  if (message.userId !== state.session.userId) return null;
  return [...document.querySelectorAll('#messages li.held')]
    .find((li) => li.querySelector('.text').textContent === message.content) || null;
}

// A held message a moderator approved, drawn as the sender's message (IVS cannot send one on
// their behalf, so it comes as an event).
export async function showApproved(attributes) {
  const room = state.room;
  let message = {
    id: attributes.messageId,
    userId: attributes.userId,
    displayName: attributes.displayName || attributes.userId,
    content: attributes.content,
    sendTime: attributes.sendTime,
  };
  if (attributes.content === undefined) {
    // Too long for the event's attributes: history has it.
    try {
      const page = await api('GET', `/rooms/${encodeURIComponent(room.id)}/messages?limit=20`);
      const view = page.messages.find((m) => m.id === attributes.messageId);
      if (!view || state.room !== room) return;
      message = fromView(view);
    } catch (e) {
      console.error('approved message not read', e);
      return;
    }
  }
  const copy = ownHeldCopy(message);
  const place = (item) => (copy ? copy.replaceWith(item) : $('messages').append(item));
  const shown = addMessage(message, place);
  if (!shown && copy) copy.remove();
  arrived(Boolean(shown) && !copy);
}
