// What every case-work page shares: its messages (rendered by the server in the page's
// language), the API with the CSRF token and errors in words, small DOM helpers.

const strings = JSON.parse(document.getElementById('page-strings')?.textContent || '{}');
const csrfToken = document.querySelector('meta[name="csrf-token"]')?.content || '';

/** A page message with its {placeholders} filled in. */
export function say(key, values = {}) {
  const text = strings[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ''));
}

/** An action's accessible name with what it acts on ("Claim: Review the dispute"). */
export function named(action, name) {
  return say('named', { action, name });
}

/** An error whose message is fit for the person reading the page. */
export class ApiProblem extends Error {
  constructor(message, status, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** The problem an API error answer means, in words. */
function problem(status, body) {
  const error = body?.error || {};
  const reason = error.message || '';
  if (error.code === 'csrf') return new ApiProblem(say('csrf'), status, error.code);
  if (status === 403) return new ApiProblem(reason ? say('refused', { reason }) : say('forbidden'), status, 'forbidden');
  if (status === 404) return new ApiProblem(say('not-found'), status, 'not-found');
  if (status === 409 && reason.startsWith('the case was changed')) return new ApiProblem(say('conflict'), status, 'conflict');
  if (status === 409) return new ApiProblem(say('refused', { reason }), status, 'conflict');
  if (status === 400 || status === 422) return new ApiProblem(say('refused', { reason }), status, error.code);
  return new ApiProblem(say('failed', { status }), status, error.code);
}

/**
 * Call the REST API (`/api/v1` + path); the answer's JSON, or an ApiProblem in words.
 *
 * @param {string} path
 * @param {{method?: string, body?: any}} [options]
 */
export async function api(path, { method = 'GET', body } = {}) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') headers['X-CSRFToken'] = csrfToken;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiProblem(say('network'), 0, 'network');
  }
  let answer = null;
  try {
    answer = await response.json();
  } catch {
    // no JSON body: the status speaks
  }
  if (!response.ok) throw problem(response.status, answer);
  return answer;
}

/** An element: `h('td', {class: 'x'}, 'text', child)`; text is always set as text. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'dataset') {
      Object.assign(element.dataset, value);
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** Show a message in a live region (`kind`: "ok", "error" or "" for plain). */
export function announce(region, text, kind = '') {
  region.textContent = text;
  region.dataset.kind = kind;
  region.hidden = !text;
  region.setAttribute('role', kind === 'error' ? 'alert' : 'status');
}

const dateTime = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
  dateStyle: 'medium',
  timeStyle: 'short',
});

/** A <time> element for an ISO-8601 moment, in the page's language. */
export function time(iso) {
  if (!iso) return '';
  return h('time', { datetime: iso }, dateTime.format(new Date(iso)));
}

/** A due date, marked overdue once past; "no due date" without one. */
export function due(iso) {
  if (!iso) return h('span', { class: 'muted' }, say('due.none'));
  const late = new Date(iso) < new Date();
  return h('span', { class: late ? 'due overdue' : 'due' }, time(iso),
    late ? h('span', { class: 'badge-overdue' }, say('overdue')) : null);
}

/** A state as a badge: its name in the page's language. */
export function stateBadge(state) {
  return h('span', { class: `state state-${state}` }, say(`state.${state}`));
}

/** Run `action` on each press of a shortcut key (outside text fields and without modifiers). */
export function shortcut(key, action) {
  document.addEventListener('keydown', (event) => {
    if (event.key !== key || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target.closest?.('input, textarea, select, [contenteditable], dialog[open]')) return;
    event.preventDefault();
    action();
  });
}
