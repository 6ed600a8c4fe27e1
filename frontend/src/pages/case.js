// The case view (studio/web/templates/casework/case.html): the case's diagram coloured by the
// states of its items, recoloured live; its tasks, what it offers (start, plan, raise, complete),
// what it waits for, the processes it started; its case file, history and team.

import { enableScriptControls } from '../ready.js';
import { createEditor } from '../editor-interface.js';
import { live } from '../live.js';
import { completeTask } from '../casework/task-dialog.js';
import { announce, api, due, h, named, say, shortcut, stateBadge, time } from '../casework/page.js';
import { jsonStop } from '../casework/json-stop.js';

const root = document.getElementById('case');
const caseId = root.dataset.case;
const caseName = root.dataset.name;
const plan = root.dataset.plan;
const roles = JSON.parse(root.dataset.roles || '[]');
const path = `/cases/${encodeURIComponent(caseId)}`;
const message = document.getElementById('case-message');
const status = document.getElementById('diagram-status');
const dataField = document.getElementById('case-data');
const dataError = document.getElementById('case-data-error');
let editor = null;
let current = null;
let shownData = '';
let refreshing = null;
let again = false;

// -- the diagram ---------------------------------------------------------------------------------

async function showDiagram() {
  const host = document.getElementById('diagram');
  if (!host) return;
  try {
    const response = await fetch(host.dataset.src, { headers: { Accept: 'application/xml' } });
    if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
    const [made, xml] = await Promise.all([
      createEditor(host.dataset.notation, host, { readOnly: true }),
      response.text(),
    ]);
    await made.open(xml);
    editor = made;
    if (!host.querySelector('.djs-element[data-element-id]')) {
      host.replaceWith(h('p', { class: 'lead diagram-missing' }, say('diagram.none')));
      editor = null;
      root.dataset.diagram = 'none';
      return;
    }
    if (current) colour(current);
    host.dataset.state = 'ready';
    root.dataset.diagram = 'ready';
  } catch (error) {
    status.textContent = say('diagram.failed', { reason: error.message || String(error) });
    status.classList.add('error');
    host.dataset.state = 'failed';
    root.dataset.diagram = 'failed';
  } finally {
    host.setAttribute('aria-busy', 'false');
  }
}

/** Colour the case's own items by state (the newest instance of each wins). */
function colour(view) {
  const states = {};
  for (const item of view.items) {
    if (item.case === view.id) states[item.id] = item.state;
  }
  if (!editor) {
    showCounts(states);
    return;
  }
  editor.colour(states);
  showCounts(states);
}

/** The count of items per state, in the status bar. */
function showCounts(states) {
  const counts = {};
  for (const state of Object.values(states)) counts[state] = (counts[state] || 0) + 1;
  status.textContent = Object.entries(counts).map(([s, n]) => `${say(`state.${s}`)} ${n}`).join(' · ');
}

// -- the work panel ------------------------------------------------------------------------------

function tasks(view) {
  const active = view.items.filter((item) => item.task);
  const list = document.getElementById('case-tasks');
  if (!active.length) {
    list.replaceChildren(h('li', { class: 'muted empty-row' }, say('tasks.none')));
    return;
  }
  list.replaceChildren(...active.map((item) => h('li', { class: 'row' },
    h('span', { class: 'row-main' }, h('strong', {}, item.name || item.id),
      item.due ? [' ', due(item.due)] : null),
    h('button', {
      type: 'button', class: 'small primary', 'aria-label': named(say('action.complete'), item.name),
      onclick: () => work({ id: item.task, name: item.name || item.id }),
    }, say('action.complete')))));
}

async function work(task) {
  try {
    if (await completeTask(task)) {
      announce(message, say('completed', { name: task.name }), 'ok');
      await refresh();
    }
  } catch (problem) {
    announce(message, problem.message, 'error');
  }
}

const GROUPS = ['start', 'plan', 'occur', 'complete'];

function offerButton(offer) {
  const label = offer.target === '@case' ? say('action.case') : `${say(`action.${offer.action}`)} ${offer.label}`;
  return h('button', {
    type: 'button',
    class: `small offer offer-${offer.action}${offer.target === '@case' ? ' quiet' : ''}`,
    dataset: { action: offer.action, target: offer.target },
    'aria-label': label,
    onclick: () => perform(offer),
  }, offer.target === '@case' ? label : [h('span', { class: 'verb' }, say(`action.${offer.action}`)), ' ', offer.label]);
}

/** What the person can do now as buttons; what the engine would refuse, with its reason. */
function offers(list) {
  const box = document.getElementById('offers');
  const sorted = [...list].sort((a, b) => GROUPS.indexOf(a.action) - GROUPS.indexOf(b.action));
  const open = sorted.filter((offer) => !offer.refused);
  const refused = sorted.filter((offer) => offer.refused);
  const wasOpen = box.querySelector('details')?.open;
  // replaceChildren would write a null as the text "null": what is absent is left out.
  box.replaceChildren(...[
    open.length ? h('ul', { class: 'offers' }, open.map((offer) => h('li', {}, offerButton(offer))))
      : h('p', { class: 'muted' }, say('offers.none')),
    refused.length ? h('details', { class: 'refused-offers', open: wasOpen || undefined },
      h('summary', {}, say('offers.refused', { count: refused.length })),
      h('ul', {}, refused.map((offer) => h('li', {},
        h('strong', {}, offer.target === '@case' ? say('action.case') : `${say(`action.${offer.action}`)} ${offer.label}`),
        h('span', { class: 'reason' }, offer.refused))))) : null,
  ].filter(Boolean));
}

async function perform(offer) {
  if (offer.target === '@case' && !window.confirm(say('confirm.case'))) return;
  try {
    await api(`${path}/actions`, { method: 'POST', body: { [offer.action]: offer.target } });
    const label = offer.target === '@case' ? say('action.case') : `${say(`action.${offer.action}`)} ${offer.label}`;
    announce(message, say('action.done', { label }), 'ok');
  } catch (problem) {
    announce(message, problem.message, 'error');
    message.focus();
  }
  await refresh();
}

/** What an admin may do with the whole case in each of its states. */
const ADMIN_VERBS = { active: ['suspend', 'terminate'], suspended: ['resume', 'terminate'] };

/** An admin's controls over the whole case (the section is only on an admin's page). */
function caseAdmin(view) {
  const box = document.querySelector('#case-admin .dialog-buttons');
  if (!box) return;
  const verbs = ADMIN_VERBS[view.state] || [];
  box.replaceChildren(...(verbs.length
    ? verbs.map((verb) => h('button', {
      type: 'button',
      class: verb === 'terminate' ? 'small danger' : 'small',
      onclick: () => administer(verb),
    }, say(`admin.${verb}`)))
    : [h('p', { class: 'hint' }, say('admin.none'))]));
}

async function administer(verb) {
  if (verb === 'terminate' && !window.confirm(say('confirm.terminate'))) return;
  try {
    await api(`${path}/actions`, { method: 'POST', body: { [verb]: '@case' } });
    announce(message, say('action.done', { label: say(`admin.${verb}`) }), 'ok');
  } catch (problem) {
    announce(message, problem.message, 'error');
    message.focus();
  }
  await refresh();
}

/** What failed in the case's automatic work, in the engine's words. */
function incidents(view) {
  const box = document.getElementById('incidents');
  box.hidden = !view.incidents?.length;
  box.querySelector('ul').replaceChildren(...(view.incidents || []).map((text) => h('li', {}, text)));
}

/** The case's own items with their states: the diagram's colours in words. */
function items(view) {
  const own = view.items.filter((item) => item.case === view.id);
  document.getElementById('items').replaceChildren(...own.map((item) => h('li', {},
    item.name || item.id, ' ', stateBadge(item.state))));
}

function children(view) {
  const owners = new Map();
  for (const item of view.items) {
    if (item.case === view.id) continue;
    if (!owners.has(item.case)) owners.set(item.case, []);
    owners.get(item.case).push(item);
  }
  const box = document.getElementById('children');
  if (!owners.size) {
    box.replaceChildren(h('p', { class: 'muted' }, say('children.none')));
    return;
  }
  box.replaceChildren(...[...owners].map(([owner, items]) => h('div', { class: 'child' },
    h('h3', {}, h('a', { href: `/cases/${encodeURIComponent(owner)}` }, owner)),
    h('ul', { class: 'states' }, items.map((item) => h('li', {}, item.name || item.id, ' ', stateBadge(item.state)))))));
}

// -- case file, history, team --------------------------------------------------------------------

function showData(view) {
  const text = JSON.stringify(view.data, null, 2);
  if (dataField.value === shownData || !dataField.value) {
    dataField.value = text;
    shownData = text;
  } else {
    shownData = text; // the person is editing: keep their text
  }
}

/** The writes (dotted top-level keys, null deletes) that turn `before` into `after`. */
function writes(before, after) {
  const found = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (!(key in after)) found[key] = null;
    else if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) found[key] = after[key];
  }
  return found;
}

async function saveData(event) {
  event.preventDefault();
  let edited;
  try {
    edited = JSON.parse(dataField.value);
  } catch {
    return showDataError(say('data.invalid', jsonStop(dataField.value)));
  }
  if (edited === null || typeof edited !== 'object' || Array.isArray(edited)) return showDataError(say('data.object'));
  const changes = writes(current.data, edited);
  if (!Object.keys(changes).length) return showDataError(say('data.same'));
  const keys = Object.keys(changes).map((key) => (key.includes('.') ? null : key));
  if (keys.includes(null)) return showDataError(say('data.object'));
  try {
    await api(`${path}/data`, { method: 'PATCH', body: changes });
    showDataError('');
    dataField.value = '';
    announce(message, say('data.saved'), 'ok');
  } catch (problem) {
    showDataError(problem.message);
  }
  await refresh();
}

function showDataError(text) {
  dataError.textContent = text;
  dataError.hidden = !text;
  if (text) {
    dataField.setAttribute('aria-invalid', 'true');
    dataField.focus();
  } else {
    dataField.removeAttribute('aria-invalid');
  }
}

/** What a history event is about, in words: the item's name, the case file item, the case. */
function subject(event, names) {
  if (!event.item) return caseName;
  return names.get(`${event.case}/${event.item}`) || names.get(event.item) || event.item;
}

function history(events, view) {
  const names = new Map();
  for (const item of view.items) {
    if (item.name) names.set(`${item.case}/${item.id}`, item.name);
  }
  names.set(`${view.id}/${plan}`, caseName);
  const list = document.getElementById('history');
  if (!events.length) {
    list.replaceChildren(h('li', { class: 'muted' }, say('history.none')));
    return;
  }
  list.replaceChildren(...[...events].reverse().map((event) => h('li', { class: `event event-${event.state || 'data'}` },
    h('div', { class: 'event-head' }, time(event.at), ' ',
      h('span', { class: 'who' }, event.user ? say('by', { user: event.user }) : say('system'))),
    h('div', {}, h('strong', {}, subject(event, names)), ' ', h('code', {}, event.event),
      event.state ? [' → ', stateBadge(event.state)] : null),
    event.cause ? h('div', { class: 'cause' }, event.cause) : null)));
}

function team(view) {
  const box = document.getElementById('team');
  const names = [...new Set([...roles, ...Object.keys(view.team)])].sort();
  if (!names.length) {
    box.replaceChildren(h('p', { class: 'muted' }, say('team.empty')));
    return;
  }
  const mine = new Set(view.may_bind || []);
  const locked = names.some((role) => !mine.has(role));
  box.replaceChildren(...[
    locked ? h('p', { id: 'team-locked', class: 'hint' }, say(mine.size ? 'team.some' : 'team.none')) : null,
    ...names.map((role, index) => (mine.has(role) ? teamForm(view, role, index) : teamRow(view, role, index))),
  ].filter(Boolean));
}

/** A role the person may change: its members in a field, and a button to bind them. */
function teamForm(view, role, index) {
  const id = `role-${index}`;
  const bound = view.team[role];
  const field = h('input', { id, type: 'text', value: bound ? bound.join(', ') : '', placeholder: say('nobody') });
  const form = h('form', { class: 'team-row', novalidate: true },
    h('label', { for: id }, role),
    field,
    h('button', { type: 'submit', class: 'small' }, say('bind')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const members = field.value.split(',').map((m) => m.trim()).filter(Boolean);
    try {
      await api(`${path}/actions`, { method: 'POST', body: { bind: role, data: { role, members } } });
      announce(message, say('team.saved', { role, members: members.join(', ') || say('nobody') }), 'ok');
    } catch (problem) {
      announce(message, problem.message, 'error');
    }
    await refresh();
  });
  return form;
}

/** A role the person does not hold: its members, read-only, said why. */
function teamRow(view, role, index) {
  const id = `role-${index}`;
  const bound = view.team[role];
  return h('div', { class: 'team-row locked' },
    h('label', { for: id }, role),
    h('input', { id, type: 'text', readonly: true, 'aria-describedby': 'team-locked',
      value: bound ? bound.join(', ') : '', placeholder: say('nobody') }));
}

// -- refreshing ----------------------------------------------------------------------------------

async function load() {
  const [view, offered, explained, traced] = await Promise.all([
    api(path),
    api(`${path}/offers`),
    api(`${path}/explanation`),
    api(`${path}/history`),
  ]);
  current = view;
  colour(view);
  const badge = document.getElementById('case-state');
  badge.className = `state state-${view.state}`;
  badge.textContent = say(`state.${view.state}`);
  tasks(view);
  offers(offered.offers);
  document.getElementById('explanation').textContent = explained.explanation;
  incidents(view);
  items(view);
  caseAdmin(view);
  children(view);
  showData(view);
  history(traced.history, view);
  if (!document.activeElement?.closest('#team')) team(view);
  root.dataset.version = String(view.version);
}

/** Load the case again (one load at a time; a change meanwhile loads once more after). */
async function refresh() {
  if (refreshing) {
    again = true;
    return refreshing;
  }
  refreshing = (async () => {
    do {
      again = false;
      try {
        await load();
      } catch (problem) {
        const gone = problem.status === 404 && current !== null;
        announce(message, gone ? say('case.gone') : problem.message, 'error');
      }
    } while (again);
    refreshing = null;
  })();
  return refreshing;
}

// -- sections and wiring -------------------------------------------------------------------------

const tabs = [...document.querySelectorAll('[data-panel]')];

function showPanel(name) {
  for (const tab of tabs) {
    const on = tab.dataset.panel === name;
    tab.setAttribute('aria-pressed', String(on));
    document.getElementById(`panel-${tab.dataset.panel}`).hidden = !on;
  }
}

tabs.forEach((tab, index) => {
  tab.addEventListener('click', () => showPanel(tab.dataset.panel));
  shortcut(String(index + 1), () => {
    showPanel(tab.dataset.panel);
    tab.focus();
  });
});
shortcut('r', refresh);
enableScriptControls();
document.getElementById('data-form').addEventListener('submit', saveData);
document.getElementById('data-reset').addEventListener('click', () => {
  dataField.value = shownData;
  showDataError('');
});

const connection = live();
connection.on('case', (change) => {
  if (change.case !== caseId) return;
  refresh();
});
connection.onStatus((state) => {
  if (state === 'connected') connection.watch(caseId).catch(() => {});
});
showDiagram();
refresh();
