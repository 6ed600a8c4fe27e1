// The cases (studio/web/templates/casework/cases.html): the cases the caller may see, filtered by
// definition, state and start date; start a case of a deployed definition with initial data.

import { enableScriptControls } from '../ready.js';
import { announce, api, h, say, shortcut, stateBadge, time } from '../casework/page.js';
import { jsonStop } from '../casework/json-stop.js';

const filters = document.getElementById('case-filters');
const body = document.getElementById('cases');
const table = document.getElementById('case-table');
const empty = document.getElementById('cases-empty');
const count = document.getElementById('case-count');
const message = document.getElementById('cases-message');
const dialog = document.getElementById('start-dialog');
const startForm = document.getElementById('start-form');
const startMessage = document.getElementById('start-message');
const dataField = document.getElementById('start-data');
const dataError = document.getElementById('start-data-error');

const definitionNames = new Map(
  [...document.querySelectorAll('#filter-definition option[value]')].map((o) => [o.value, o.textContent]),
);

function row(found) {
  const link = h('a', { href: `/cases/${encodeURIComponent(found.id)}` }, found.id);
  return h('tr', {},
    h('th', { scope: 'row' }, link),
    h('td', {}, definitionNames.get(found.definition) || found.definition),
    h('td', {}, stateBadge(found.state)),
    h('td', {}, time(found.created_at)),
    h('td', {}, time(found.updated_at)));
}

/** What the filters leave out that a person may think they apply: half a case file filter (a
 * field without a value or a value without a field) and dates that exclude each other. */
function unapplied() {
  const form = new FormData(filters);
  const path = String(form.get('data_path') || '').trim();
  const value = String(form.get('data_value') || '');
  if (Boolean(path) !== Boolean(value)) return say(path ? 'filter.value' : 'filter.field');
  const after = form.get('started_after');
  const before = form.get('started_before');
  if (after && before && after > before) return say('filter.dates');
  return '';
}

/** The filters as API query parameters; dates as the start (after) or end (before) of the day. */
function query() {
  const form = new FormData(filters);
  const params = new URLSearchParams();
  const path = String(form.get('data_path') || '').trim();
  if (path && form.get('data_value')) params.set(`data.${path}`, form.get('data_value'));
  for (const [name, value] of form) {
    if (!value || name.startsWith('data_')) continue;
    if (name === 'started_after') params.set(name, `${value}T00:00:00Z`);
    else if (name === 'started_before') params.set(name, `${value}T23:59:59Z`);
    else params.set(name, value);
  }
  return params;
}

let asked = 0;

async function load() {
  const params = query();
  const mine = (asked += 1);
  try {
    const { cases } = await api(`/cases${params.size ? `?${params}` : ''}`);
    if (mine !== asked) return; // a newer filter was asked meanwhile
    cases.sort((a, b) => b.created_at.localeCompare(a.created_at));
    body.replaceChildren(...cases.map(row));
    table.hidden = cases.length === 0;
    empty.hidden = cases.length !== 0;
    empty.querySelector('p').textContent = say(params.size ? 'empty.filtered' : 'empty');
    count.textContent = cases.length === 1 ? say('count.one') : say('count', { count: cases.length });
    table.dataset.state = 'ready';
    announce(message, unapplied());
  } catch (problem) {
    announce(message, problem.message, 'error');
  }
}

function openStart() {
  announce(startMessage, '');
  dataError.hidden = true;
  dialog.showModal();
  document.getElementById('start-definition').focus();
}

/** The initial data typed, or an error in words. */
function initialData() {
  const text = dataField.value.trim();
  if (!text) return { data: {} };
  try {
    const data = JSON.parse(text);
    if (data === null || typeof data !== 'object' || Array.isArray(data)) return { error: say('json.object') };
    return { data };
  } catch {
    return { error: say('json.invalid', jsonStop(text)) };
  }
}

async function start(event) {
  event.preventDefault();
  const { data, error } = initialData();
  dataError.textContent = error || '';
  dataError.hidden = !error;
  dataField.toggleAttribute('aria-invalid', Boolean(error));
  if (error) {
    dataField.focus();
    return;
  }
  const definition = document.getElementById('start-definition').value;
  const button = startForm.querySelector('[type="submit"]');
  button.disabled = true;
  try {
    const started = await api('/cases', { method: 'POST', body: { case: definition, data } });
    window.location.assign(`/cases/${encodeURIComponent(started.id)}`);
  } catch (problem) {
    announce(startMessage, problem.message, 'error');
  } finally {
    button.disabled = false;
  }
}

filters.addEventListener('change', load);
filters.addEventListener('submit', (event) => {
  event.preventDefault();
  load();
});
filters.addEventListener('reset', () => setTimeout(load));
document.getElementById('start-open')?.addEventListener('click', openStart);
document.getElementById('start-cancel').addEventListener('click', () => dialog.close());
startForm.addEventListener('submit', start);
shortcut('n', () => document.getElementById('start-open') && openStart());
shortcut('r', load);
enableScriptControls();
load();
