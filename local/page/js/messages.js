// The message list: drawing a message (name, badges, mentions, a moderator's Delete), system
// lines, following new messages or pausing while the reader scrolls up, and keyboard moves.

import { state } from './state.js';
import { $, button, element, show } from './dom.js';
import { time } from './format.js';
import { nameColour, outranks } from './people.js';
import { deleteMessage } from './moderation.js';
import { openCard } from './card.js';

export function systemLine(text) {
  $('messages').append(element('li', 'system', text));
  arrived(false);
}

export function nearBottom() {
  const list = $('log');
  return list.scrollHeight - list.scrollTop - list.clientHeight < 48;
}

export function scrollDown() {
  const list = $('log');
  list.scrollTop = list.scrollHeight;
  state.pinned = true;
  state.unread = 0;
  renderPaused();
}

/** Something was added at the bottom: follow it, or count it while the reader is scrolled up. */
export function arrived(counts) {
  listChanged();
  if (state.pinned) {
    scrollDown();
  } else if (counts) {
    state.unread += 1;
    renderPaused();
  }
}

export function renderPaused() {
  const paused = $('paused');
  const n = state.unread;
  show(paused, !state.pinned);
  paused.textContent = n > 0
    ? `Chat paused — ${n} new message${n === 1 ? '' : 's'} ↓`
    : 'Chat paused — back to the newest ↓';
}

/** After any change to the list: the empty state, and which name the Tab key reaches. */
export function listChanged() {
  keepActiveName();
  const empty = state.room && $('log').getAttribute('aria-busy') !== 'true' && !$('messages').querySelector('li');
  show($('empty'), Boolean(empty));
}

/** "@name" words, and whether one of them (or "@Display Name") means this user. */
function mentionsMe(content) {
  const me = state.session;
  const text = content.toLowerCase();
  const names = [me.userId, me.displayName].map((n) => `@${n.toLowerCase()}`);
  return names.some((name) => {
    let at = text.indexOf(name);
    while (at !== -1) {
      const next = text[at + name.length];
      if (next === undefined || !/[\p{L}\p{N}_]/u.test(next)) return true;
      at = text.indexOf(name, at + 1);
    }
    return false;
  });
}

function renderText(el, content) {
  const parts = content.split(/(@[\p{L}\p{N}_.-]*[\p{L}\p{N}_])/u);
  el.replaceChildren(...parts.map((part, i) => (i % 2 === 1 ? element('span', 'at', part) : document.createTextNode(part))));
}

// The list is one Tab stop (a sender's name, the newest unless the reader moved), not one per
// message; the arrow keys, Home and End move between messages.
export function setActiveName(target) {
  for (const b of $('messages').querySelectorAll('.name[tabindex="0"]')) b.tabIndex = -1;
  if (target) target.tabIndex = 0;
}

function keepActiveName() {
  if ($('log').contains(document.activeElement)) return;
  const names = $('messages').querySelectorAll('li.message .name');
  setActiveName(names[names.length - 1]);
}

export function moveInList(event) {
  const names = [...$('messages').querySelectorAll('li.message .name')];
  const at = names.indexOf(document.activeElement);
  if (at === -1) return;
  const to = { ArrowUp: at - 1, ArrowDown: at + 1, Home: 0, End: names.length - 1 }[event.key];
  if (to === undefined) return;
  event.preventDefault();
  const next = names[Math.max(0, Math.min(names.length - 1, to))];
  setActiveName(next);
  next.focus();
}

function nameButton(userId, displayName, messageId) {
  const name = button(displayName, (event) => openCard(userId, messageId, event.currentTarget), 'name');
  name.tabIndex = -1;
  name.style.color = nameColour(userId);
  name.setAttribute('aria-haspopup', 'dialog');
  name.title = `${userId}: open the user card`;
  return name;
}

export function messageItem(message) {
  const own = message.userId === state.session.userId;
  const item = element('li', 'message');
  if (message.id) {
    item.dataset.id = message.id;
    item.dataset.time = String(Date.parse(message.sendTime));
  }
  item.dataset.user = message.userId;
  item.dataset.name = message.displayName;
  if (message.role) item.dataset.role = message.role;
  if (own) item.classList.add('own');
  const mention = !own && mentionsMe(message.content);
  if (mention) item.classList.add('mention');
  const head = element('div', 'head');
  head.append(nameButton(message.userId, message.displayName, message.id));
  if (message.role && message.role !== 'viewer') {
    head.append(element('span', `badge role-${message.role}`, message.role));
  }
  if (own) head.append(element('span', 'sr-only', '(you)'));
  if (mention) head.append(element('span', 'mention-tag', 'mentions you'));
  head.append(element('span', 'time', time(message.sendTime)));
  const text = element('div', 'text');
  renderText(text, message.content);
  item.append(head, text);
  renderTools(item);
  return item;
}

/**
 * A moderator's quick tool on a message, shown on hover or focus: Delete (mouse only, for
 * keyboards it is in the user card). Everything else is in the user card.
 */
export function renderTools(item) {
  const old = item.querySelector('.tools');
  if (old) old.remove();
  const room = state.room;
  const id = item.dataset.id;
  if (!room || !room.moderates || !id || item.classList.contains('deleted')) return;
  const own = item.dataset.user === state.session.userId;
  if (!own && !outranks(room.role, item.dataset.role || 'viewer')) return;
  const tools = element('div', 'tools');
  const text = item.querySelector('.text').textContent;
  const del = button('Delete', () => deleteMessage(id), 'delete');
  del.tabIndex = -1;
  del.setAttribute('aria-label', `Delete ${item.dataset.name}'s message: ${text.slice(0, 60)}`);
  tools.append(del);
  item.querySelector('.head').append(tools);
}
