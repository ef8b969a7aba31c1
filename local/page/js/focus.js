// Focus never falls to the page body. When the focused control goes (a held message decided, a
// ban lifted, an Undo used, a button hidden or disabled), focus moves to what took its place in
// its list (the item at the same place, or the one before), else to its pane's heading — so a
// keyboard user goes on from where they were, not from the top of the page.

import { $ } from './dom.js';

const FOCUSABLE = 'button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), a[href], summary, [tabindex="0"]';

// The heading each pane falls back to (each has tabindex="-1").
const PANES = [['#user-card', 'card-close'], ['#mod-pane', 'mod-title'], ['#rooms-pane', 'rooms-title'], ['#room', 'room-title']];

let last = null; // {el, list, index, pane}: the focused control, and where it sat

const shown = (el) => el.isConnected && !el.disabled && !el.closest('[hidden]') && el.getClientRects().length > 0;

function where(el) {
  const item = el.closest('li');
  const list = item && item.parentElement && item.parentElement.id ? item.parentElement : null;
  const pane = PANES.find(([selector]) => el.closest(selector));
  return {
    el,
    list: list && list.id,
    index: list ? [...list.children].indexOf(item) : -1,
    pane: pane && pane[1],
  };
}

// A control that was only disabled for a while (the message box while reconnecting), and the
// heading that stood in for it: focus goes back to it when it returns, if it is still there.
let away = null; // {el, stand}

function restore() {
  if (away && shown(away.el) && document.activeElement === away.stand) {
    away.el.focus();
    away = null;
    return;
  }
  if (!last || shown(last.el)) return;
  if (document.activeElement && document.activeElement !== document.body) return;
  const list = last.list && $(last.list);
  if (list) {
    const items = [...list.children];
    for (const item of [items[last.index], ...items.slice(0, last.index).reverse(), ...items.slice(last.index + 1)]) {
      const target = item && [...item.querySelectorAll(FOCUSABLE)].find(shown);
      if (target) {
        target.focus();
        return;
      }
    }
  }
  const heading = [last.pane, 'room-title', 'rooms-title'].map((id) => id && $(id)).find((el) => el && shown(el));
  if (!heading) return;
  const gone = last.el;
  heading.focus();
  away = gone.isConnected ? { el: gone, stand: heading } : null;
}

export function keepFocus() {
  document.addEventListener('focusin', (event) => {
    if (event.target !== document.body) last = where(event.target);
  });
  // Removing, hiding or disabling the focused element fires no event of its own: watch for it.
  new MutationObserver(restore).observe(document.body, {
    subtree: true, childList: true, attributes: true, attributeFilter: ['hidden', 'disabled', 'open'],
  });
}
