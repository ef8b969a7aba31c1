// The user card: a dialog opened from a sender's name, with their recent messages and what a
// moderator may do to them (delete, time out, kick, ban, undo, appoint).

import { state } from './state.js';
import { $, element, show } from './dom.js';
import { lengthInWords } from './format.js';
import { up } from './hooks.js'; // refreshRoom, in connection.js, which sits above
import { api } from './api.js';
import { nameColour, nameOf, outranks, roleOf } from './people.js';
import { loadAudit, loadBans, setLength, timeoutLength } from './moderation.js';

export function openCard(userId, messageId, opener) {
  state.card = { userId, messageId, opener, undo: null };
  $('card-status').textContent = '';
  $('card-reason').value = '';
  // Removing their messages is the ban's choice, and never made for the moderator.
  $('card-purge').checked = false;
  setLength($('card-duration'), timeoutLength());
  show($('card-confirm'), false);
  show($('card-undo'), false);
  renderCard();
  const dialog = $('user-card');
  if (!dialog.open) dialog.showModal();
  $('card-close').focus();
}

/** Closes the card; `restore` gives focus back to where it was opened from. */
export function closeCard({ restore = true } = {}) {
  const dialog = $('user-card');
  if (state.card && !restore) state.card.opener = null;
  if (dialog.open) dialog.close();
}

function onCardClosed() {
  const card = state.card;
  state.card = null;
  if (!card || !card.opener) return;
  // The close event comes a task after the dialog shuts: if the user has already moved the
  // focus somewhere else on the page by then, leave it there.
  const active = document.activeElement;
  if (active && active !== document.body && active !== card.opener && !$('user-card').contains(active)) return;
  if (card.opener.isConnected) card.opener.focus();
  else if (!$('message').disabled) $('message').focus();
}

export function renderCard() {
  const card = state.card;
  if (!card) return;
  const { userId } = card;
  const name = nameOf(userId);
  const role = roleOf(userId);
  const room = state.room;
  const me = state.session.userId;
  $('card-name').textContent = name;
  $('card-name').style.color = nameColour(userId);
  $('card-id').textContent = `User id: ${userId}${userId === me ? ' (you)' : ''}`;
  $('card-role').textContent = role;
  $('card-role').className = `badge role-${role}`;
  const recent = [...document.querySelectorAll('#messages li.message[data-id]:not(.deleted)')]
    .filter((li) => li.dataset.user === userId)
    .slice(-5);
  const list = $('card-messages');
  list.replaceChildren(...recent.map((li) => {
    const item = element('li');
    item.append(element('span', 'time', li.querySelector('.time').textContent), ' ',
      element('span', 'text', li.querySelector('.text').textContent));
    return item;
  }));
  if (recent.length === 0) list.append(element('li', 'hint', 'No messages on screen.'));
  const acts = room && room.moderates && userId !== me && outranks(room.role, role);
  show($('card-form'), acts);
  const item = card.messageId
    ? document.querySelector(`#messages li[data-id="${CSS.escape(card.messageId)}"]`) : null;
  const deletable = item && !item.classList.contains('deleted') && item.querySelector('.tools .delete');
  show($('card-delete'), Boolean(deletable));
  if (item) {
    const text = item.querySelector('.text').textContent;
    $('card-delete').textContent = `Delete ${name}'s message “${text.length > 40 ? `${text.slice(0, 39)}…` : text}”`;
  }
  $('card-timeout').textContent = `Time out ${name}`;
  $('card-kick').textContent = `Kick ${name}`;
  $('card-ban').textContent = `Ban ${name}…`;
  $('card-ban-confirm').textContent = `Ban ${name}`;
  const manages = room && room.manages && userId !== me;
  show($('card-promote'), Boolean(manages && role === 'viewer'));
  show($('card-demote'), Boolean(manages && role === 'moderator'));
  $('card-promote').textContent = `Make ${name} a moderator`;
  $('card-demote').textContent = `Remove ${name} as moderator`;
  show($('card-tools'), Boolean(acts || deletable || manages));
}

/** Runs a card action; its outcome goes to the card's status line (with an undo, if any). */
async function cardAction(action, done, undo) {
  const card = state.card;
  const status = $('card-status');
  status.textContent = 'Working…';
  status.classList.remove('error');
  show($('card-undo'), false);
  try {
    await action();
    if (state.card !== card) return;
    status.textContent = done;
    if (undo) {
      card.undo = undo;
      show($('card-undo'), true);
    }
  } catch (e) {
    if (state.card !== card) return;
    status.textContent = e.message;
    status.classList.add('error');
  }
  await Promise.all([loadBans(), loadAudit()]);
  renderCard();
}

/** A ban (no length) or a time-out; only a ban may take their recent messages, when ticked. */
function banBody(durationSeconds) {
  const body = { userId: state.card.userId, purgeMessages: !durationSeconds && $('card-purge').checked };
  const reason = $('card-reason').value.trim();
  if (reason) body.reason = reason;
  if (durationSeconds) body.durationSeconds = durationSeconds;
  return body;
}

function confirmText() {
  const name = nameOf(state.card.userId);
  $('card-confirm-text').textContent = `Ban ${name} from this room until someone lifts it?${$('card-purge').checked ? ' Their recent messages go too.' : ' Their messages stay.'}`;
}

function unbanAction(userId) {
  const room = state.room;
  return async () => {
    await api('DELETE', `/rooms/${encodeURIComponent(room.id)}/bans/${encodeURIComponent(userId)}`);
  };
}

export function wireCard() {
  const dialog = $('user-card');
  dialog.addEventListener('close', onCardClosed);
  // A click on the backdrop closes it, as a click outside a popover does.
  dialog.addEventListener('click', (event) => { if (event.target === dialog) closeCard(); });
  $('card-close').addEventListener('click', closeCard);
  $('card-delete').addEventListener('click', () => {
    const { messageId } = state.card;
    cardAction(() => api('DELETE', `/rooms/${encodeURIComponent(state.room.id)}/messages/${encodeURIComponent(messageId)}`),
      'Message deleted.');
  });
  $('card-timeout').addEventListener('click', () => {
    const seconds = Number($('card-duration').value);
    const { userId } = state.card;
    const body = banBody(seconds);
    cardAction(() => api('POST', `/rooms/${encodeURIComponent(state.room.id)}/bans`, body),
      `${nameOf(userId)} is timed out for ${lengthInWords(seconds)}.`, unbanAction(userId));
  });
  $('card-kick').addEventListener('click', () => {
    const { userId } = state.card;
    const body = { userId };
    const reason = $('card-reason').value.trim();
    if (reason) body.reason = reason;
    cardAction(() => api('POST', `/rooms/${encodeURIComponent(state.room.id)}/disconnects`, body),
      `${nameOf(userId)} was disconnected; they may rejoin.`);
  });
  $('card-ban').addEventListener('click', () => {
    $('card-purge').checked = false;
    confirmText();
    show($('card-confirm'), true);
    $('card-ban-confirm').focus();
  });
  $('card-purge').addEventListener('change', confirmText);
  $('card-ban-cancel').addEventListener('click', () => {
    show($('card-confirm'), false);
    $('card-ban').focus();
  });
  $('card-ban-confirm').addEventListener('click', () => {
    const { userId } = state.card;
    const body = banBody(0);
    show($('card-confirm'), false);
    cardAction(() => api('POST', `/rooms/${encodeURIComponent(state.room.id)}/bans`, body),
      `${nameOf(userId)} is banned.`, unbanAction(userId));
    $('card-close').focus();
  });
  $('card-undo').addEventListener('click', () => {
    const { undo, userId } = state.card;
    state.card.undo = null;
    if (undo) cardAction(undo, `${nameOf(userId)} may chat again.`);
  });
  $('card-promote').addEventListener('click', () => {
    const { userId } = state.card;
    cardAction(async () => {
      await api('PUT', `/rooms/${encodeURIComponent(state.room.id)}/moderators/${encodeURIComponent(userId)}`);
      await up.refreshRoom();
    }, `${nameOf(userId)} is now a moderator.`);
  });
  $('card-demote').addEventListener('click', () => {
    const { userId } = state.card;
    cardAction(async () => {
      await api('DELETE', `/rooms/${encodeURIComponent(state.room.id)}/moderators/${encodeURIComponent(userId)}`);
      await up.refreshRoom();
    }, `${nameOf(userId)} is no longer a moderator.`);
  });
}
