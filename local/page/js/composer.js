// The message box: whether it can send, its placeholder and the slow-mode countdown, its note,
// and sending a message (drawn at once as pending until the echo comes).

import { state } from './state.js';
import { $, show } from './dom.js';
import { duration } from './format.js';
import { listChanged, messageItem, scrollDown } from './messages.js';

const canSend = () => Boolean(state.socket && state.socket.readyState === WebSocket.OPEN && !state.readOnly);

/** Puts refused text back in the message box, unless something new is being typed there. */
export function restoreText(content) {
  const input = $('message');
  if (!input.value.trim()) input.value = content;
}

export function composerNote(text) {
  $('composer-note').textContent = text || '';
}

let measure = null;

/** The first of `texts` that fits in the input's box, else the last. */
function fitting(input, texts) {
  const style = getComputedStyle(input);
  const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  measure = measure || document.createElement('canvas').getContext('2d');
  measure.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  return texts.find((text) => measure.measureText(text).width <= room) || texts[texts.length - 1];
}

export function renderComposer() {
  const input = $('message');
  const sendButton = $('send');
  const lock = state.lock;
  let placeholder = 'Say something';
  let enabled = canSend();
  let sendLabel = 'Send';
  if (lock && lock.kind === 'timedOut') {
    enabled = false;
    // Never cut: the longest wording that fits the box (a phone's is narrow).
    const left = duration(lock.until - Date.now());
    placeholder = fitting(input, [`Timed out: you can chat again in ${left}`, `Timed out: back in ${left}`, `Back in ${left}`, left]);
  } else if (lock && lock.kind === 'banned') {
    placeholder = 'You are banned from this room';
  } else if (lock && lock.kind === 'kicked') {
    placeholder = 'Disconnected by a moderator';
  } else if (!enabled && state.retry.attempt > 0) {
    placeholder = 'Reconnecting…';
  } else if (!enabled) {
    placeholder = 'Not connected';
  }
  input.disabled = !enabled;
  if (input.placeholder !== placeholder) input.placeholder = placeholder;
  const wait = state.slow.readyAt - Date.now();
  const slowed = enabled && wait > 0;
  if (slowed) sendLabel = duration(wait);
  sendButton.disabled = !enabled || slowed;
  if (sendButton.textContent !== sendLabel) sendButton.textContent = sendLabel;
  if (slowed) sendButton.setAttribute('aria-label', `Send (slow mode: ${duration(wait)} to wait)`);
  else sendButton.removeAttribute('aria-label');
  sendButton.classList.toggle('waiting', slowed);
}

export function renderSlowMode() {
  const seconds = state.slow.seconds;
  const badge = $('slow-mode');
  show(badge, seconds > 0);
  const exempt = state.room && state.room.moderates;
  badge.textContent = `Slow mode ${seconds} s${exempt ? ' (not for you)' : ''}`;
  badge.title = exempt
    ? `Viewers may send one message every ${seconds} seconds; moderators are exempt.`
    : `You may send one message every ${seconds} seconds.`;
  renderComposer();
}

export function send(event) {
  event.preventDefault();
  const input = $('message');
  const content = input.value;
  if (!content.trim() || !canSend()) return;
  const wait = state.slow.readyAt - Date.now();
  if (wait > 0) {
    composerNote(`Slow mode: you can send again in ${duration(wait)}.`);
    return;
  }
  composerNote('');
  const requestId = crypto.randomUUID();
  const item = messageItem({
    id: null,
    userId: state.session.userId,
    displayName: state.session.displayName,
    content,
    sendTime: new Date().toISOString(),
  });
  item.classList.add('pending');
  state.pending.set(requestId, { item, content });
  $('messages').append(item);
  listChanged();
  scrollDown();
  state.socket.send(JSON.stringify({ Action: 'SEND_MESSAGE', RequestId: requestId, Content: content }));
  input.value = '';
}
