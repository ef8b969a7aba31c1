// The message list: drawing a message (name, badges, mentions, a moderator's one-click tools),
// system lines, following new messages or pausing while the reader scrolls up, and keyboard
// moves and shortcuts.

import { state } from './state.js';
import { $, button, element, show } from './dom.js';
import { lengthInWords, time } from './format.js';
import { nameColour, outranks, roleOf } from './people.js';
import { deleteMessage, quickBan, quickTimeOut, timeoutLength } from './moderation.js';
import { openCard } from './card.js';

/** A line that is no one's message; `undo`, if given, is offered beside it for a while. */
export function systemLine(text, undo) {
  const item = element('li', 'system', text);
  if (undo) {
    const b = button('Undo', async () => {
      b.remove();
      await undo();
    }, 'link undo');
    item.append(' ', b);
    setTimeout(() => { if (b.isConnected && document.activeElement !== b) b.remove(); }, UNDO_MS);
  }
  $('messages').append(item);
  arrived(false);
}

// How long a one-click act's Undo stays beside its line.
const UNDO_MS = 30_000;

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
  const empty = state.room && $('log').getAttribute('aria-busy') !== 'true' && !$('messages').querySelector('li:not(.beginning)');
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

// A moderator's shortcuts on a sender's name in the list (announced by its aria-keyshortcuts).
const SHORTCUTS = { Delete: 'delete', t: 'timeout', T: 'timeout', b: 'ban', B: 'ban' };

export function moveInList(event) {
  const names = [...$('messages').querySelectorAll('li.message .name')];
  const at = names.indexOf(document.activeElement);
  if (at === -1) return;
  const tool = !event.ctrlKey && !event.metaKey && !event.altKey && SHORTCUTS[event.key];
  if (tool) {
    const b = names[at].closest('li').querySelector(`.tools .${tool}`);
    if (b) {
      event.preventDefault();
      b.click();
    }
    return;
  }
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

const SVG = 'http://www.w3.org/2000/svg';
const ICONS = {
  delete: 'M9 3h6l1 2h4v2H4V5h4l1-2zM6 9h12l-1 12H7L6 9z',
  timeout: 'M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 2a8 8 0 1 1 0 16 8 8 0 0 1 0-16zm-1 3v6.6l4.8 2.9 1-1.7-3.8-2.3V7h-2z',
  ban: 'M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 2c1.85 0 3.55.63 4.9 1.69L5.69 16.9A8 8 0 0 1 12 4zm0 16a7.96 7.96 0 0 1-4.9-1.69L18.31 7.1A8 8 0 0 1 12 20z',
};

function tool(kind, label, shortcut, onClick) {
  const b = button('', onClick, kind);
  b.tabIndex = -1;
  b.setAttribute('aria-label', label);
  b.setAttribute('aria-keyshortcuts', shortcut);
  b.title = `${label} (${shortcut === 'Delete' ? 'Delete' : `${shortcut} key`})`;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('d', ICONS[kind]);
  path.setAttribute('fill-rule', 'evenodd');
  svg.append(path);
  b.append(svg);
  return b;
}

const rank = (a, b) => (outranks(a, b) ? a : b);

/**
 * A moderator's one-click tools on a line, shown on hover or focus (a long press on touch):
 * delete on any line they may delete, and on a lower role's line a time-out of the room's
 * length and a ban. Out of the Tab order: from the sender's name, Delete, T and B do the same.
 * The user card has the rest.
 */
export function renderTools(item) {
  const old = item.querySelector('.tools');
  if (old) old.remove();
  const name = item.querySelector('.name');
  if (name) name.removeAttribute('aria-keyshortcuts');
  const room = state.room;
  const id = item.dataset.id;
  if (!room || !room.moderates || !id || item.classList.contains('deleted')) return;
  const userId = item.dataset.user;
  const own = userId === state.session.userId;
  // Their role then or now, the higher: a moderator since is no longer theirs to act on.
  const theirs = rank(item.dataset.role || 'viewer', roleOf(userId));
  const acts = !own && outranks(room.role, theirs);
  if (!own && !acts) return;
  const who = item.dataset.name;
  const text = item.querySelector('.text').textContent;
  const tools = element('div', 'tools');
  tools.append(tool('delete', `Delete ${who}'s message: ${text.slice(0, 60)}`, 'Delete', () => deleteMessage(id)));
  if (acts) {
    tools.append(tool('timeout', `Time out ${who} for ${lengthInWords(timeoutLength())}`, 'T', () => quickTimeOut(userId, who)));
    tools.append(tool('ban', `Ban ${who}`, 'B', () => quickBan(userId, who)));
  }
  name.setAttribute('aria-keyshortcuts', acts ? 'Delete T B' : 'Delete');
  item.querySelector('.head').append(tools);
}

/** Touch has no hover: a long press on a line shows its tools, a touch elsewhere hides them. */
export function wireLongPress() {
  const log = $('log');
  let press = null;
  const cancel = () => {
    if (press) clearTimeout(press.timer);
    press = null;
  };
  const openTools = (item) => {
    for (const open of document.querySelectorAll('#messages li.tools-open')) open.classList.remove('tools-open');
    item.classList.add('tools-open');
  };
  document.addEventListener('pointerdown', (event) => {
    if (!event.target.closest('li.tools-open')) {
      for (const open of document.querySelectorAll('#messages li.tools-open')) open.classList.remove('tools-open');
    }
  });
  log.addEventListener('pointerdown', (event) => {
    cancel();
    if (event.pointerType !== 'touch') return;
    const item = event.target.closest('li.message');
    if (!item || !item.querySelector('.tools')) return;
    press = { x: event.clientX, y: event.clientY, timer: setTimeout(() => { press = null; openTools(item); }, LONG_PRESS_MS) };
  });
  log.addEventListener('pointermove', (event) => {
    if (press && Math.hypot(event.clientX - press.x, event.clientY - press.y) > 10) cancel();
  });
  log.addEventListener('pointerup', cancel);
  log.addEventListener('pointercancel', cancel);
  // The browser's own long-press menu would cover the tools.
  log.addEventListener('contextmenu', (event) => {
    const item = event.target.closest('li.message');
    if (item && item.querySelector('.tools') && (item.classList.contains('tools-open') || press)) event.preventDefault();
  });
}

const LONG_PRESS_MS = 500;
