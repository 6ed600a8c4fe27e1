// The admin pages' messages: their strings (rendered by the page in its language), the status
// region announcing what happened, and a message kept across the reload that follows a change.

const KEPT = 'case-studio.notice';

let strings = null;

/** A page message with its {placeholders} filled in. */
export function say(key, values = {}) {
  if (strings === null) {
    strings = JSON.parse(document.getElementById('page-strings')?.textContent || '{}');
  }
  const text = strings[key] || key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ''));
}

/** Announce `text` in the page's status region. */
export function announce(text, { error = false } = {}) {
  const region = document.getElementById('admin-status');
  if (!region) return;
  region.textContent = text;
  region.classList.toggle('error', error);
  region.classList.toggle('shown', Boolean(text));
}

/** Reload the page, then announce `text` on it. */
export function reloadWith(text) {
  sessionStorage.setItem(KEPT, text);
  window.location.reload();
}

/** Announce the message a change left before the page reloaded. */
export function announceKept() {
  const text = sessionStorage.getItem(KEPT);
  if (text) {
    sessionStorage.removeItem(KEPT);
    announce(text);
  }
}

/** Show `text` in a form's error line (role=alert), or hide it. */
export function formError(form, text) {
  const line = form.querySelector('.form-error');
  if (!line) return;
  line.textContent = text || '';
  line.hidden = !text;
}

/** The error in words, for a form or the status region. */
export function reason(error) {
  const message = error?.message === 'offline' ? say('offline') : error?.message || String(error);
  return say('failed', { reason: message });
}

/** Enable the controls that only work with this page's script (a password must never end up in
 * a URL through a form submitted natively). */
export { enableScriptControls as ready } from '../ready.js';
