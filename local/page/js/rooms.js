// The room list, and creating a room (administrators).

import { state } from './state.js';
import { $, button, element, show } from './dom.js';
import { api } from './api.js';
import { join } from './connection.js';

export async function loadRooms() {
  $('rooms-error').textContent = '';
  try {
    const { rooms } = await api('GET', '/rooms');
    const list = $('rooms');
    list.replaceChildren();
    for (const room of rooms) {
      const item = element('li');
      const b = button(room.name || room.id, () => join(room.id, { focus: true }), 'room-button');
      b.dataset.roomId = room.id;
      if (state.room && state.room.id === room.id) {
        b.classList.add('current');
        b.setAttribute('aria-current', 'true');
      }
      item.append(b);
      list.append(item);
    }
    show($('no-rooms'), rooms.length === 0);
    $('no-rooms').textContent = state.session.groups.includes('admin')
      ? 'No rooms yet: create one below.'
      : 'No rooms yet: an administrator creates them.';
  } catch (e) {
    $('rooms-error').textContent = e.message;
  }
}

export async function createRoom(event) {
  event.preventDefault();
  $('rooms-error').textContent = '';
  try {
    const room = await api('POST', '/rooms', { name: $('room-name').value.trim() });
    $('room-name').value = '';
    await loadRooms();
    await join(room.id, { focus: true });
  } catch (e) {
    $('rooms-error').textContent = e.message;
  }
}
