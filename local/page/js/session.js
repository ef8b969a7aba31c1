// Signing in and out (a session per tab, kept in sessionStorage), and the lobby once signed in.
// How one signs in is the back end's to say (config.json, identity.js): chat-local's dev
// sign-in (a name, no password) or a Cognito user pool (signin.js draws its forms).

import { state } from './state.js';
import { $, show } from './dom.js';
import { api } from './api.js';
import { kind, signOutCognito } from './identity.js';
import { roomFromUrl, setView } from './place.js';
import { closeCard } from './card.js';
import { clearLock, closeSocket, join } from './connection.js';
import { loadRooms } from './rooms.js';

// The dev session's key in sessionStorage (Cognito's session is the library's own keys).
export const DEV_SESSION = 'chat-local-session';

function slug(name) {
  const id = name.trim().toLowerCase().replace(/[^a-z0-9_.@-]+/g, '-').replace(/^-+|-+$/g, '');
  return id || `user-${Math.random().toString(36).slice(2, 8)}`;
}

/** chat-local's dev sign-in: a name and, ticked, the admin group. */
export async function signIn(event) {
  event.preventDefault();
  $('sign-in-error').textContent = '';
  const displayName = $('name').value.trim();
  const groups = $('admin').checked ? ['admin'] : [];
  try {
    const session = await api('POST', '/dev/login', { userId: slug(displayName), displayName, groups });
    state.session = session;
    sessionStorage.setItem(DEV_SESSION, JSON.stringify(session));
    await enterLobby({ focus: true });
  } catch (e) {
    $('sign-in-error').textContent = e.message;
  }
}

/** The sign-in form the back end calls for, and nothing else. */
export function showSignIn(why) {
  show($('lobby'), false);
  show($('whoami'), false);
  show($('skip-to-message'), false);
  show($('sign-in'), true);
  const how = kind();
  show($('sign-in-form'), how === 'dev');
  show($('cognito'), how === 'cognito');
  $('sign-in-error').textContent = why || '';
  $('sign-in-info').textContent = how === 'oidc'
    ? `This back end signs people in with ${state.config.identity.issuer}, which this page cannot sign in with: `
      + 'call the API with that issuer\'s tokens, or deploy the stack with its own Cognito user pool.'
    : '';
  if (how === 'dev') $('name').focus();
  // The Cognito forms (signin.js) take it from here.
  document.dispatchEvent(new CustomEvent('chat:sign-in-shown'));
}

export function signOut(why) {
  closeSocket();
  clearLock();
  closeCard({ restore: false });
  state.session = null;
  state.room = null;
  sessionStorage.removeItem(DEV_SESSION);
  signOutCognito();
  showSignIn(why);
}

export async function enterLobby({ focus } = {}) {
  const s = state.session;
  $('me').textContent = s.email ? `${s.displayName} (${s.email})` : `${s.displayName} (${s.userId})`;
  show($('me-admin'), s.groups.includes('admin'));
  show($('whoami'), true);
  show($('sign-in'), false);
  show($('lobby'), true);
  show($('new-room'), s.groups.includes('admin'));
  $('no-room-text').textContent = s.groups.includes('admin')
    ? 'Pick a room from the list, or create one, to start chatting.'
    : 'Pick a room from the list to start chatting.';
  await loadRooms();
  const linked = roomFromUrl();
  if (linked) {
    await join(linked, { focus });
  } else {
    setView('rooms');
    if (focus) $('rooms-title').focus();
  }
}
