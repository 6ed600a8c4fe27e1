// Labelled form controls for the panel. Each control has a stable key: the panel re-renders after
// every change (and undo) and gives the focus back to the control with the same key.

import { t } from './i18n.js';

let serial = 0;

/** An element `tag` with attributes (`class`, `for`, `data-*`...) and children. */
export function h(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  node.append(...children.flat(Infinity).filter((child) => child != null && child !== false));
  return node;
}

function controlId(key) {
  serial += 1;
  return `cs-prop-${key.replace(/[^\w-]/g, '_')}-${serial}`;
}

function described(control, id, hint) {
  const hintNode = hint ? h('p', { class: 'cs-hint', id: `${id}-hint` }, hint) : null;
  const error = h('p', { class: 'cs-error', id: `${id}-error`, role: 'alert', hidden: true });
  const ids = [hintNode && hintNode.id, error.id].filter(Boolean).join(' ');
  control.setAttribute('aria-describedby', ids);
  return { hintNode, error };
}

function showError(control, error, message) {
  error.textContent = message || '';
  error.hidden = !message;
  control.setAttribute('aria-invalid', message ? 'true' : 'false');
}

/**
 * A text input (or textarea with `multiline`); `onCommit(value)` runs when the value changed and
 * the user leaves the field or presses Enter (Ctrl+Enter in a textarea). `check(value)` returns an
 * error message or nothing; a value with an error is not committed.
 */
export function textField(options) {
  const { key, label, value, onCommit, multiline, rows = 3, readOnly, hint, placeholder, check, code } = options;
  const id = controlId(key);
  const control = multiline
    ? h('textarea', { id, rows })
    : h('input', { id, type: 'text', autocomplete: 'off', spellcheck: code ? 'false' : null });
  control.dataset.key = key;
  control.value = value ?? '';
  if (placeholder) control.placeholder = placeholder;
  if (code) control.classList.add('cs-code');
  if (multiline) control.setAttribute('aria-keyshortcuts', 'Control+Enter');
  if (readOnly) control.readOnly = true;
  const { hintNode, error } = described(control, id, hint);
  let committed = control.value;
  const commit = () => {
    const next = multiline ? control.value : control.value.trim();
    const problem = check?.(next);
    showError(control, error, problem);
    if (problem || next === committed) return;
    committed = next;
    onCommit(next);
  };
  if (!readOnly) {
    control.addEventListener('change', commit);
    control.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (!multiline || event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        commit();
      } else if (event.key === 'Escape') {
        control.value = committed;
        showError(control, error, null);
      }
    });
  }
  return h('div', { class: 'cs-field' }, h('label', { for: id }, label), control, hintNode, error);
}

/** A checkbox; `onChange(checked)`. */
export function checkField({ key, label, checked, onChange, hint }) {
  const id = controlId(key);
  const control = h('input', { id, type: 'checkbox' });
  control.dataset.key = key;
  control.checked = Boolean(checked);
  const { hintNode } = described(control, id, hint);
  control.addEventListener('change', () => onChange(control.checked));
  return h('div', { class: 'cs-field cs-check' }, control, h('label', { for: id }, label), hintNode);
}

/** A drop-down list of `options` ([{value, label}]); `onChange(value)`. */
export function selectField({ key, label, value, options, onChange, hint }) {
  const id = controlId(key);
  const control = h(
    'select',
    { id },
    options.map((o) => h('option', { value: o.value, selected: o.value === value }, o.label)),
  );
  control.dataset.key = key;
  control.value = value ?? '';
  const { hintNode } = described(control, id, hint);
  control.addEventListener('change', () => onChange(control.value));
  return h('div', { class: 'cs-field' }, h('label', { for: id }, label), control, hintNode);
}

/** A group of fields under a heading the user may fold; `folded` holds the keys of folded groups. */
export function group({ key, title, folded }, ...children) {
  const details = h('details', { class: 'cs-group', 'data-group': key, open: !folded.has(key) });
  details.append(h('summary', {}, h('h3', {}, title)), h('div', { class: 'cs-group-body' }, ...children));
  return details;
}

/** A one-line value: no line break, at most `max` characters. */
export function oneLine(max = 2000) {
  return (value) =>
    /[\r\n]/.test(value) || value.length > max ? t('This value has line breaks or is too long.') : null;
}
