// Signing in and out (a session per tab, kept in sessionStorage), and the lobby once signed in.

import { state } from './state.js';
import { $, show } from './dom.js';
import { api } from './api.js';
import { roomFromUrl, setView } from './place.js';
import { closeCard } from './card.js';
import { clearLock, closeSocket, join } from './connection.js';
import { loadRooms } from './rooms.js';

function slug(name) {
  const id = name.trim().toLowerCase().replace(/[^a-z0-9_.@-]+/g, '-').replace(/^-+|-+$/g, '');
  return id || `user-${Math.random().toString(36).slice(2, 8)}`;
}

export async function signIn(event) {
  event.preventDefault();
  $('sign-in-error').textContent = '';
  const displayName = $('name').value.trim();
  const groups = $('admin').checked ? ['admin'] : [];
  try {
    const session = await api('POST', '/dev/login', { userId: slug(displayName), displayName, groups });
    state.session = session;
    sessionStorage.setItem('chat-local-session', JSON.stringify(session));
    await enterLobby({ focus: true });
  } catch (e) {
    $('sign-in-error').textContent = e.message;
  }
}

export function signOut(why) {
  closeSocket();
  clearLock();
  closeCard({ restore: false });
  state.session = null;
  state.room = null;
  sessionStorage.removeItem('chat-local-session');
  show($('lobby'), false);
  show($('whoami'), false);
  show($('sign-in'), true);
  show($('skip-to-message'), false);
  $('sign-in-error').textContent = why || '';
  $('name').focus();
}

export async function enterLobby({ focus } = {}) {
  const s = state.session;
  $('me').textContent = `${s.displayName} (${s.userId})`;
  show($('me-admin'), s.groups.includes('admin'));
  show($('whoami'), true);
  show($('sign-in'), false);
  show($('lobby'), true);
  show($('new-room'), s.groups.includes('admin'));
  $('no-room-text').textContent = s.groups.includes('admin')
    ? 'Pick a room from the list, or create one, to start chatting.'
    : 'Pick a room from the list to start chatting.';
  if (!state.config) state.config = await api('GET', '/dev/config');
  await loadRooms();
  const linked = roomFromUrl();
  if (linked) {
    await join(linked, { focus });
  } else {
    setView('rooms');
    if (focus) $('rooms-title').focus();
  }
}
