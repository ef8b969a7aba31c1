// Small DOM helpers every module draws with: an element by id, showing and hiding, and new
// elements and buttons.

export const $ = (id) => document.getElementById(id);

export const show = (el, visible) => { el.hidden = !visible; };

export function element(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

export function button(label, onClick, className) {
  const b = element('button', className, label);
  b.type = 'button';
  b.addEventListener('click', onClick);
  return b;
}
