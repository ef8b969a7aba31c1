// The room's notice line: what the page has to tell (a refusal, a lost connection), once.

import { state } from './state.js';
import { $, show } from './dom.js';

export function notice(text, kind) {
  const el = $('notice');
  // The same words again are not news (a screen reader would read them out again).
  if (el.textContent === (text || '') && el.className === `notice ${kind || ''}`) return;
  state.connectionNotice = false;
  el.textContent = text || '';
  el.className = `notice ${kind || ''}`;
  show(el, Boolean(text));
}

/** A notice about the connection itself, which goes once the page is connected again. */
export function connectionNotice(text, kind) {
  notice(text, kind);
  state.connectionNotice = Boolean(text);
}

export function clearConnectionNotice() {
  if (state.connectionNotice) notice('');
}
