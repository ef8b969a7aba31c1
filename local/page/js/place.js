// Where the page is: the room in the URL (a link to a room opens it), and which pane a phone
// shows.

import { $ } from './dom.js';

export function roomFromUrl() {
  const match = location.hash.match(/^#\/rooms\/([^/?#]+)/);
  if (match) return decodeURIComponent(match[1]);
  return new URLSearchParams(location.search).get('room');
}

export function roomUrl(roomId) {
  return `#/rooms/${encodeURIComponent(roomId)}`;
}

// On a phone one pane shows at a time (chat first); on a wide screen all of them do.
export function setView(view, { focus } = {}) {
  $('lobby').dataset.view = view;
  if (!focus) return;
  if (view === 'rooms') $('rooms-title').focus();
  else if (view === 'mod') $('mod-title').focus();
  else if (!$('message').disabled) $('message').focus();
  else $('room-title').focus();
}
