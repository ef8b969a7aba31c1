// Who is who in the room: names and their colours, roles and which outranks which (the role
// order comes from the server's vocabulary).

import { ROLES } from './vocabulary.js';
import { state } from './state.js';
import { up } from './hooks.js'; // peopleChanged: moderation.js, which sits above, redraws

// Name colours: each readable (4.5:1 or more) on white and on the own/mention highlights.
const NAME_COLOURS = [
  '#b3261e', '#9a4d00', '#7a5c00', '#1d6f42', '#0a6a75', '#1f5fbf',
  '#5b3cc4', '#8e24aa', '#b0306a', '#6d4c41', '#3f51b5', '#a33a00',
];

export function nameColour(userId) {
  // FNV-1a: the same colour for a user on every page.
  let hash = 2166136261;
  for (const ch of String(userId)) {
    hash ^= ch.codePointAt(0);
    hash = Math.imul(hash, 16777619) >>> 0;
  }
  return NAME_COLOURS[hash % NAME_COLOURS.length];
}

export const nameOf = (userId) => (state.people.get(userId) || {}).displayName || userId;

/** Someone seen in the room: their name, and the role their messages carry. */
export function seenPerson(userId, displayName, role) {
  if (!userId) return;
  const known = state.people.get(userId);
  const person = { displayName: displayName || (known && known.displayName) || userId, role: role || (known && known.role) };
  state.people.set(userId, person);
  if (!known || known.displayName !== person.displayName) up.peopleChanged();
}

/** A user's role in the room as the page knows it now. */
export function roleOf(userId) {
  const room = state.room;
  const person = state.people.get(userId);
  if (person && person.role === 'admin') return 'admin';
  if (room && room.owner === userId) return 'owner';
  if (room && room.moderators.has(userId)) return 'moderator';
  return 'viewer';
}

// Roles are a strict hierarchy, lowest first in ROLES: viewer < moderator < owner < admin. A role
// the page does not know ranks as a viewer.
const rank = (role) => Math.max(0, ROLES.indexOf(role));
export const outranks = (role, other) => rank(role) > rank(other);
