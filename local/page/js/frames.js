// What the chat connection says: messages (and the echo of one's own), refusals, and events
// (deletions, removals, held and approved messages, role and policy changes).

import { REASONS, SEND_ERRORS } from './vocabulary.js';
import { state } from './state.js';
import { $, element } from './dom.js';
import { clock, duration } from './format.js';
import { up } from './hooks.js'; // refreshRoom, reconnect, in connection.js, which reads the frames
import { notice } from './notice.js';
import { nameOf } from './people.js';
import { loadAudit, loadBans, loadHeld } from './moderation.js';
import { renderCard } from './card.js';
import { arrived, listChanged, renderTools, scrollDown, systemLine } from './messages.js';
import { addMessage, showApproved } from './history.js';
import { composerNote, renderComposer, restoreText } from './composer.js';

export function onFrame(frame) {
  switch (frame.Type) {
    case 'MESSAGE': {
      const sent = state.pending.get(frame.RequestId);
      state.pending.delete(frame.RequestId);
      const attributes = (frame.Sender && frame.Sender.Attributes) || {};
      const message = {
        id: frame.Id,
        userId: frame.Sender.UserId,
        displayName: attributes.displayName || frame.Sender.UserId,
        role: attributes.role,
        content: frame.Content,
        sendTime: frame.SendTime,
      };
      if (message.userId === state.session.userId) ownMessageDelivered();
      const place = (item) => (sent ? sent.item.replaceWith(item) : $('messages').append(item));
      const shown = addMessage(message, place);
      // History got there first: the pending copy has nothing left to wait for.
      if (!shown && sent) sent.item.remove();
      if (shown && sent && sent.content !== frame.Content) {
        // The room's moderation hid part of it: only the sender learns so.
        shown.classList.add('masked');
        shown.append(element('div', 'masked-note',
          'Part of your message was hidden by the room\'s moderation. Only you can see this note.'));
      }
      arrived(!sent);
      break;
    }
    case 'EVENT':
      onEvent(frame);
      break;
    case 'ERROR': {
      const sent = state.pending.get(frame.RequestId);
      state.pending.delete(frame.RequestId);
      if (sent) {
        refuse(sent, frame);
      } else if (frame.ErrorCode === 401) {
        state.sessionExpired = true;
      } else {
        notice(errorSentence(frame), 'error');
      }
      break;
    }
    default:
      break;
  }
}

/** One of this user's messages went through: slow mode counts from now. */
function ownMessageDelivered() {
  if (state.slow.seconds > 0 && state.room && !state.room.moderates) {
    state.slow.readyAt = Date.now() + state.slow.seconds * 1000;
    renderComposer();
  }
}

/**
 * The review handler's refusal ("CODE", or "CODE until <time>" for a time-out or a ban) as the
 * sentence the sender reads: the vocabulary's, never the code.
 */
function refusalSentence(message) {
  const [code, ...rest] = String(message).split(' ');
  let sentence = REASONS[code] || 'The room\'s moderation did not let it through.';
  if (code === 'SLOW_MODE') {
    const wait = state.slow.readyAt - Date.now();
    sentence += wait > 0
      ? ` Wait ${duration(wait)}.`
      : ` One message every ${state.slow.seconds ? `${state.slow.seconds} s` : 'few seconds'}.`;
  }
  if (rest[0] === 'until' && rest[1]) sentence = sentence.replace(/\.$/, ` until ${clock(Date.parse(rest[1]))}.`);
  return sentence;
}

/** Any ERROR frame in a sentence: a refusal's words, or IVS's own error's. */
function errorSentence(frame) {
  if (frame.ErrorCode === 406) return refusalSentence(frame.ErrorMessage);
  return SEND_ERRORS[frame.ErrorCode] || SEND_ERRORS[500];
}

function refuse(sent, frame) {
  const { item, content } = sent;
  item.classList.remove('pending');
  if (frame.ErrorCode === 406 && frame.ErrorMessage === 'HELD') {
    // Not refused: a moderator may still approve it, and then it replaces this copy.
    item.classList.add('held');
    item.append(element('div', 'held-note', `Held for review. ${REASONS.HELD}`));
    keepInView(item);
    return;
  }
  if (frame.ErrorCode === 406 && frame.ErrorMessage === 'SLOW_MODE') {
    // The page's count was off (another tab, a reload): wait the room's full interval.
    if (state.slow.readyAt <= Date.now() && state.slow.seconds > 0) {
      state.slow.readyAt = Date.now() + state.slow.seconds * 1000;
    }
    if (!state.slow.seconds) up.refreshRoom();
  }
  item.classList.add('refused');
  item.append(element('div', 'refusal', `Not sent. ${errorSentence(frame)} Only you can see this.`));
  restoreText(content);
  composerNote('Your message is back in the box: change it and send again.');
  renderComposer();
  keepInView(item);
}

function keepInView(item) {
  if (state.pinned) scrollDown();
  else item.scrollIntoView({ block: 'nearest' });
}

/**
 * A message a moderator deleted: a stub in its place for moderators and for its sender; for
 * the other viewers a stub or nothing, as the room's policy says.
 */
function deleted(item) {
  const room = state.room;
  const stub = (room && room.moderates) || item.dataset.user === state.session.userId
    || (room && room.policy.deletedForViewers === 'stub');
  if (!stub) {
    item.remove();
    listChanged();
    return;
  }
  item.classList.add('deleted');
  item.querySelector('.text').textContent = 'Message deleted by a moderator.';
  for (const extra of item.querySelectorAll('.masked-note')) extra.remove();
  renderTools(item);
}

function onEvent(frame) {
  const attributes = frame.Attributes || {};
  const room = state.room;
  const me = state.session.userId;
  // Another moderator acted: keep the bans list and the audit log current.
  if (room && room.moderates && (frame.EventName.startsWith('aws:') || frame.EventName === 'app:unbanned')) {
    loadBans();
    loadAudit();
  }
  switch (frame.EventName) {
    case 'aws:DELETE_MESSAGE': {
      const id = attributes.MessageID || attributes.MessageId;
      // Seen, so a history answer still in flight cannot bring it back.
      if (id) state.seen.add(id);
      const item = document.querySelector(`#messages li[data-id="${CSS.escape(id || '')}"]`);
      if (item) deleted(item);
      if (state.card && state.card.messageId === id) renderCard();
      break;
    }
    case 'aws:DISCONNECT_USER':
      if (attributes.UserId === me) {
        state.kicked = attributes.Reason || '';
      } else {
        systemLine(`${nameOf(attributes.UserId)} was removed from the room.`);
      }
      break;
    case 'app:held':
      // It carries no content: moderators read the queue, viewers have nothing to see.
      if (room && room.moderates) {
        loadHeld();
        loadAudit();
      }
      break;
    case 'app:held-approved':
      showApproved(attributes);
      if (room && room.moderates) loadHeld();
      break;
    case 'app:unbanned':
      // Heard while timed out (a read-only connection): chat again at once.
      if (attributes.userId === me && state.lock) up.reconnect();
      break;
    case 'app:role-changed': {
      const who = attributes.userId === me ? 'You are' : `${nameOf(attributes.userId)} is`;
      systemLine(attributes.role === 'moderator'
        ? `${who} now a moderator.`
        : `${who} no longer a moderator.`);
      if (attributes.userId === me) {
        notice(attributes.role === 'moderator'
          ? 'You are now a moderator of this room: the moderation tools are open.'
          : 'You are no longer a moderator of this room.');
      }
      up.refreshRoom();
      if (state.card && state.card.userId === attributes.userId) renderCard();
      break;
    }
    case 'app:policy-changed':
      up.refreshRoom();
      break;
    default:
      // `aws:` and `app:` names are reserved for IVS and the server (the API refuses them from
      // anyone): one the page does not know is not shown as if it meant something.
      if (/^\s*(aws|app):/i.test(frame.EventName)) break;
      systemLine(`${frame.EventName}${attributes.text ? `: ${attributes.text}` : ''}`);
  }
}
