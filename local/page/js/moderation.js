// The moderation pane: the held queue, bans and time-outs, moderators, the room's policy and
// the audit log, and `moderate`, which every moderator's action goes through.

import { REASONS } from './vocabulary.js';
import { state } from './state.js';
import { $, button, element, show } from './dom.js';
import { clock, lengthInWords } from './format.js';
import { up } from './hooks.js'; // refreshRoom, applyRoom, in connection.js, which sits above
import { api, fromView } from './api.js';
import { notice } from './notice.js';
import { setView } from './place.js';
import { nameColour, nameOf, seenPerson } from './people.js';

async function moderate(action) {
  $('mod-error').textContent = '';
  try {
    await action();
  } catch (e) {
    $('mod-error').textContent = e.message;
    notice(e.message, 'error');
  }
  await Promise.all([loadBans(), loadAudit()]);
}

/** A moderator's Delete on a message in the list (messages.js draws the button). */
export function deleteMessage(id) {
  return moderate(() => api('DELETE', `/rooms/${encodeURIComponent(state.room.id)}/messages/${encodeURIComponent(id)}`));
}

/** The room's length for a one-click time-out. */
export const timeoutLength = () => Number(state.room && state.room.policy.timeoutSeconds) || 300;

/**
 * A one-click act from a line's tools (messages.js draws them): done at once, told in the list
 * (which screen readers read out) with an Undo beside it.
 */
function quickAct(body, done, name) {
  const room = state.room;
  const bans = `/rooms/${encodeURIComponent(room.id)}/bans`;
  return moderate(async () => {
    await api('POST', bans, body);
    up.announce(done, () => moderate(async () => {
      await api('DELETE', `${bans}/${encodeURIComponent(body.userId)}`);
      up.announce(`${name} may chat again.`);
    }));
  });
}

export function quickTimeOut(userId, name) {
  const seconds = timeoutLength();
  return quickAct({ userId, durationSeconds: seconds }, `You timed out ${name} for ${lengthInWords(seconds)}.`, name);
}

export function quickBan(userId, name) {
  return quickAct({ userId }, `You banned ${name}.`, name);
}

function lines(text) {
  return text.split('\n').map((l) => l.trim()).filter(Boolean);
}

/** Picks `seconds` in a list of lengths, adding it when the list does not have it. */
export function setLength(select, seconds) {
  if (![...select.options].some((o) => Number(o.value) === seconds)) {
    select.append(new Option(lengthInWords(seconds), String(seconds)));
  }
  select.value = String(seconds);
}

const HINT = 'Tab reaches one sender\'s name; the arrow keys move between messages, and Enter opens the sender\'s card.';

/** What the list's description tells a keyboard user, a moderator's shortcuts included. */
export function renderHint() {
  const r = state.room;
  $('log-hint').textContent = r && r.moderates
    ? `${HINT} On a message you may act on, Delete deletes it, T times its sender out for ${lengthInWords(timeoutLength())} and B bans them.`
    : HINT;
}

export function renderModeration() {
  const r = state.room;
  show($('mod-pane'), r.moderates);
  show($('show-mod'), r.moderates);
  $('lobby').classList.toggle('has-mod', r.moderates);
  if (!r.moderates) {
    if ($('lobby').dataset.view === 'mod') setView('chat');
    return;
  }
  show($('policy-box'), r.manages);
  show($('moderators-box'), r.manages);
  $('mod-error').textContent = '';
  $('moderator-error').textContent = '';
  $('policy-status').textContent = '';
  renderPolicy(r);
  renderModerators();
  $('held').replaceChildren();
  loadHeld();
  loadBans();
  loadAudit();
}

// The spam rules' defaults, for a policy from before a rule had a setting.
const SPAM = { maxCapsRatio: 0.7, capsMinLetters: 12, capsMinWords: 4, maxRepeatedChars: 12, maxPhraseRepeats: 3, duplicateWindowSeconds: 30 };

/** The policy editor shows the room's policy as it is, every rule with its setting. */
function renderPolicy(room) {
  // A room without a policy of its own gets the default one.
  const p = room.policy;
  const actions = p.actions || {};
  const spam = { ...SPAM, ...(p.spam || {}) };
  $('p-blocked').value = (p.blockedTerms || []).join('\n');
  $('p-blocked-action').value = actions.blockedTerms || 'deny';
  $('p-allowed').value = (p.allowedTerms || []).join('\n');
  $('p-profanity').value = p.profanity || 'moderate';
  $('p-profanity-action').value = actions.profanity || 'mask';
  $('p-hostility').value = p.hostility || 'moderate';
  $('p-hostility-action').value = actions.hostility || 'hold';
  $('p-discrimination').value = p.discrimination || 'moderate';
  $('p-discrimination-action').value = actions.discrimination || 'hold';
  $('p-hold').checked = actions.borderline === 'hold';
  $('p-links').value = (p.links && p.links.mode) || 'allow';
  $('p-domains').value = ((p.links && p.links.domains) || []).join('\n');
  // A share of 1 (100 %) or more turns the caps rule off.
  $('p-caps').checked = spam.maxCapsRatio < 1;
  $('p-caps-ratio').value = spam.maxCapsRatio < 1 ? Math.round(spam.maxCapsRatio * 100) : 70;
  $('p-caps-letters').value = spam.capsMinLetters;
  $('p-caps-words').value = spam.capsMinWords;
  $('p-repeated').value = spam.maxRepeatedChars;
  $('p-phrases').value = spam.maxPhraseRepeats;
  $('p-duplicate').value = spam.duplicateWindowSeconds;
  $('p-slow').value = p.slowModeSeconds || 0;
  $('p-rate').value = room.rate || 10;
  setLength($('p-timeout'), timeoutLength());
  $('p-deleted').value = p.deletedForViewers || 'hide';
  capsChanged();
}

/** The caps settings mean something only while the rule is on. */
export function capsChanged() {
  const on = $('p-caps').checked;
  for (const id of ['p-caps-ratio', 'p-caps-letters', 'p-caps-words']) $(id).disabled = !on;
}

// The room's actions with the form's borderline choice: "hold" when checked; unchecked drops
// only a hold (another action, set through the API, is not this form's to drop).
function withBorderline(actions, hold) {
  const next = { ...(actions || {}) };
  if (hold) next.borderline = 'hold';
  else if (next.borderline === 'hold') delete next.borderline;
  return next;
}

const count = (id) => Math.max(0, Math.round(Number($(id).value) || 0));

export async function savePolicy(event) {
  event.preventDefault();
  const room = state.room;
  $('policy-status').textContent = 'saving…';
  $('mod-error').textContent = '';
  try {
    // A save replaces the whole policy: start from the room's as it is now, so fields this
    // form does not edit (languages, history) are kept, even if changed since.
    const current = await api('GET', `/rooms/${encodeURIComponent(room.id)}`);
    const base = current.policy || state.config.defaultPolicy || room.policy || {};
    const caps = $('p-caps').checked;
    const policy = {
      ...base,
      blockedTerms: lines($('p-blocked').value),
      allowedTerms: lines($('p-allowed').value),
      profanity: $('p-profanity').value,
      hostility: $('p-hostility').value,
      discrimination: $('p-discrimination').value,
      links: { ...(base.links || {}), mode: $('p-links').value, domains: lines($('p-domains').value) },
      spam: {
        ...(base.spam || {}),
        maxCapsRatio: caps ? Math.min(99, Math.max(1, count('p-caps-ratio'))) / 100 : 1,
        capsMinLetters: count('p-caps-letters'),
        capsMinWords: count('p-caps-words'),
        maxRepeatedChars: count('p-repeated'),
        maxPhraseRepeats: count('p-phrases'),
        duplicateWindowSeconds: count('p-duplicate'),
      },
      slowModeSeconds: count('p-slow'),
      timeoutSeconds: Number($('p-timeout').value),
      deletedForViewers: $('p-deleted').value,
      actions: {
        ...withBorderline(base.actions, $('p-hold').checked),
        blockedTerms: $('p-blocked-action').value,
        profanity: $('p-profanity-action').value,
        hostility: $('p-hostility-action').value,
        discrimination: $('p-discrimination-action').value,
      },
    };
    const body = { policy };
    const rate = count('p-rate');
    if (rate !== current.maximumMessageRatePerSecond) body.maximumMessageRatePerSecond = rate;
    const updated = await api('PATCH', `/rooms/${encodeURIComponent(room.id)}`, body);
    $('policy-status').textContent = 'Saved: applies to new messages within a few seconds.';
    up.applyRoom({ ...current, ...updated, role: room.role, policy: updated.policy || policy });
    // The API announces the change (app:policy-changed): every page reads the room again.
  } catch (e) {
    $('policy-status').textContent = '';
    $('mod-error').textContent = e.message;
  }
  loadAudit();
}

export function renderModerators() {
  const room = state.room;
  if (!room || !room.manages) return;
  const list = $('moderators');
  list.replaceChildren();
  for (const userId of room.moderators) {
    const name = nameOf(userId);
    const item = element('li', null, name === userId ? `${userId} ` : `${name} (${userId}) `);
    item.dataset.user = userId;
    const remove = button('Remove', async () => {
      await moderate(() => api('DELETE', `/rooms/${encodeURIComponent(room.id)}/moderators/${encodeURIComponent(userId)}`));
      await up.refreshRoom();
    }, 'link');
    remove.setAttribute('aria-label', `Remove ${name} as moderator`);
    item.append(remove);
    list.append(item);
  }
  if (room.moderators.size === 0) list.append(element('li', 'hint', 'None yet.'));
}

/** The people seen in the room, offered when appointing a moderator. */
export function renderPeople() {
  const list = $('people');
  list.replaceChildren(...[...state.people].map(([userId, person]) => {
    const option = element('option');
    option.value = userId;
    option.label = person.displayName;
    return option;
  }));
  if (state.room && state.room.manages) renderModerators();
}

/** A typed name or id → a user id: someone seen in the room by id or by name, or a typed id. */
function pickUser(typed) {
  if (state.people.has(typed)) return typed;
  const lower = typed.toLowerCase();
  for (const [userId, person] of state.people) {
    if (person.displayName.toLowerCase() === lower) return userId;
  }
  return typed;
}

export async function addModerator(event) {
  event.preventDefault();
  const error = $('moderator-error');
  error.textContent = '';
  const typed = $('moderator-id').value.trim();
  const userId = pickUser(typed);
  if (!userId || /\s/.test(userId) || userId.length > 128) {
    error.textContent = `“${typed}” is not a user id: pick someone seen in the room, or type their id (no spaces).`;
    return;
  }
  try {
    await api('PUT', `/rooms/${encodeURIComponent(state.room.id)}/moderators/${encodeURIComponent(userId)}`);
    $('moderator-id').value = '';
  } catch (e) {
    error.textContent = e.code === 'NO_SUCH_USER'
      ? `Nobody with the user id “${userId}” has signed in here yet: check the id.`
      : e.message;
  }
  await up.refreshRoom();
  loadAudit();
}

/** The held queue oldest first (the default: the longest waiting) or newest first. */
export function setHeldOrder(order) {
  state.heldOrder = order === 'newest' ? 'newest' : 'oldest';
  return loadHeld();
}

export async function loadHeld() {
  const room = state.room;
  if (!room || !room.moderates) return;
  const load = ++state.heldLoads;
  try {
    const { held } = await api('GET', `/rooms/${encodeURIComponent(room.id)}/held?order=${state.heldOrder}`);
    // Events and decisions overlap: an older answer must not draw over a newer one.
    if (load !== state.heldLoads || state.room !== room) return;
    const list = $('held');
    list.replaceChildren(...held.map(heldItem));
    if (held.length === 0) list.append(element('li', 'hint', 'No messages waiting.'));
  } catch (e) {
    $('mod-error').textContent = e.message;
  }
}

function heldItem(entry) {
  const message = fromView(entry.message);
  seenPerson(message.userId, message.displayName, message.role);
  const item = element('li', 'held-message');
  item.dataset.heldId = entry.heldId;
  item.dataset.user = message.userId;
  const head = element('div', 'head');
  const name = element('span', 'name', message.displayName);
  name.style.color = nameColour(message.userId);
  name.title = message.userId;
  head.append(name, element('span', 'reason', REASONS[entry.reason] || 'Held by the room\'s moderation.'));
  const approve = button('Approve', () => decideHeld(entry, 'approve', item), 'approve');
  approve.setAttribute('aria-label', `Approve ${message.displayName}'s message`);
  const reject = button('Reject', () => decideHeld(entry, 'reject', item), 'reject');
  reject.setAttribute('aria-label', `Reject ${message.displayName}'s message`);
  const actions = element('div', 'actions');
  actions.append(approve, reject);
  item.append(head, element('div', 'text', message.content), actions);
  return item;
}

// Approves or rejects once; if another moderator decided first (404, 409), the API's words go
// to the error spot and the queue is read again.
async function decideHeld(entry, decision, item) {
  for (const b of item.querySelectorAll('button')) b.disabled = true;
  const path = `/rooms/${encodeURIComponent(state.room.id)}/held/${encodeURIComponent(entry.heldId)}/${decision}`;
  await moderate(() => api('POST', path));
  await loadHeld();
}

export async function loadBans() {
  const room = state.room;
  if (!room || !room.moderates) return;
  try {
    const { bans } = await api('GET', `/rooms/${encodeURIComponent(room.id)}/bans`);
    if (state.room !== room) return;
    const list = $('bans');
    list.replaceChildren();
    let next = Infinity;
    for (const ban of bans) {
      const until = ban.until ? Date.parse(ban.until) : null;
      if (until) next = Math.min(next, until);
      const name = nameOf(ban.userId);
      const who = name === ban.userId ? ban.userId : `${name} (${ban.userId})`;
      const what = until ? `timed out until ${clock(until)}` : 'banned';
      const why = ban.reason ? `, ${ban.reason}` : '';
      const item = element('li', 'ban', `${who}: ${what}${why} `);
      item.dataset.user = ban.userId;
      const lift = button(until ? 'End time-out' : 'Unban', () => moderate(
        () => api('DELETE', `/rooms/${encodeURIComponent(room.id)}/bans/${encodeURIComponent(ban.userId)}`),
      ), 'link');
      lift.setAttribute('aria-label', until ? `End ${name}'s time-out` : `Unban ${name}`);
      item.append(lift);
      list.append(item);
    }
    if (bans.length === 0) list.append(element('li', 'hint', 'Nobody is banned.'));
    // A time-out ends by itself: the list drops it then.
    clearTimeout(state.bansTimer);
    if (next !== Infinity) state.bansTimer = setTimeout(loadBans, Math.max(500, next - Date.now() + 500));
  } catch (e) {
    $('mod-error').textContent = e.message;
  }
}

export async function loadAudit() {
  const room = state.room;
  if (!room || !room.moderates) return;
  try {
    const { entries } = await api('GET', `/rooms/${encodeURIComponent(room.id)}/audit?limit=50`);
    if (state.room !== room) return;
    const list = $('audit');
    list.replaceChildren();
    for (const entry of entries) {
      const item = element('li', 'entry');
      item.dataset.action = entry.action;
      const when = new Date(entry.at).toLocaleTimeString();
      const target = entry.target ? ` → ${entry.target}` : '';
      const reason = entry.reason ? ` (${entry.reason})` : '';
      item.textContent = `${when} ${entry.actor}: ${entry.action.toLowerCase().replaceAll('_', ' ')}${target}${reason}`;
      list.append(item);
    }
    if (entries.length === 0) list.append(element('li', 'hint', 'Nothing yet.'));
  } catch (e) {
    $('mod-error').textContent = e.message;
  }
}
