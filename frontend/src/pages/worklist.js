// The worklist (studio/web/templates/casework/worklist.html): the caller's tasks, soonest due
// first, filtered (mine / unassigned / all); claim, release, complete with the task's form.
// Refetched on each Socket.IO `tasks` hint, without a reload.

import { enableScriptControls } from '../ready.js';
import { live } from '../live.js';
import { completeTask } from '../casework/task-dialog.js';
import { announce, api, due, h, named, say, shortcut } from '../casework/page.js';

const body = document.getElementById('tasks');
const table = document.getElementById('task-table');
const empty = document.getElementById('tasks-empty');
const count = document.getElementById('task-count');
const message = document.getElementById('worklist-message');
const filters = [...document.querySelectorAll('[data-filter]')];
const me = document.body.dataset.user;
let filter = new URLSearchParams(window.location.search).get('assignee') || 'all';
let loading = null;
let again = false;

function act(label, handler, attributes = {}) {
  return h('button', { type: 'button', class: 'small', ...attributes, onclick: handler }, label);
}

function row(task) {
  const buttons = [];
  if (task.assignee === null) {
    buttons.push(act(say('claim'), () => claim(task, 'claim'), { 'aria-label': named(say('claim'), task.name) }));
  } else if (task.assignee === me || document.body.dataset.admin === 'yes') {
    buttons.push(act(say('unclaim'), () => claim(task, 'unclaim'), { 'aria-label': named(say('unclaim'), task.name) }));
  }
  if (task.assignee === null || task.assignee === me) {
    buttons.push(act(say('open'), () => work(task), { class: 'small primary', 'aria-label': named(say('open'), task.name) }));
  }
  return h('tr', { dataset: { task: task.id } },
    h('th', { scope: 'row' }, task.name),
    h('td', {}, h('a', { href: `/cases/${encodeURIComponent(task.case)}` }, task.case)),
    h('td', {}, task.role || h('span', { class: 'muted' }, say('none'))),
    h('td', {}, task.assignee || h('span', { class: 'muted' }, say('nobody'))),
    h('td', {}, due(task.due)),
    h('td', { class: 'actions' }, buttons));
}

/** What has the keyboard focus in the list (its task and name), to keep it across a redraw. */
function focusedInList() {
  const active = document.activeElement;
  const task = active?.closest?.('tr[data-task]');
  if (!task || !body.contains(task)) return null;
  return { task: task.dataset.task, name: controlName(active) };
}

function controlName(control) {
  return control.getAttribute('aria-label') || control.textContent;
}

/** Focus the same control of the same task again, when it is still listed. */
function refocus(kept) {
  const task = kept && [...body.rows].find((r) => r.dataset.task === kept.task);
  const control = task && [...task.querySelectorAll('a, button')].find((c) => controlName(c) === kept.name);
  control?.focus();
}

async function fetchTasks() {
  const query = filter === 'all' ? '' : `?assignee=${filter}`;
  const { tasks } = await api(`/tasks${query}`);
  const kept = focusedInList(); // a live refresh must not throw a keyboard user back to the top
  body.replaceChildren(...tasks.map(row));
  refocus(kept);
  table.hidden = tasks.length === 0;
  empty.hidden = tasks.length !== 0;
  empty.querySelector('p').textContent = say(`empty.${filter}`);
  count.textContent = tasks.length === 1 ? say('count.one') : say('count', { count: tasks.length });
  table.dataset.state = 'ready';
}

/** Fetch the list again (one fetch at a time; asked meanwhile, once more after it). */
async function load() {
  if (loading) {
    again = true;
    return loading;
  }
  loading = (async () => {
    do {
      again = false;
      try {
        await fetchTasks();
      } catch (problem) {
        announce(message, problem.message, 'error');
      }
    } while (again);
    loading = null;
  })();
  return loading;
}

async function claim(task, verb) {
  try {
    await api(`/tasks/${encodeURIComponent(task.id)}/${verb}`, { method: 'POST' });
    announce(message, say(verb === 'claim' ? 'claimed' : 'unclaimed', { name: task.name }), 'ok');
  } catch (problem) {
    announce(message, problem.message, 'error');
  }
  await load();
}

async function work(task) {
  try {
    if (await completeTask(task)) announce(message, say('completed', { name: task.name }), 'ok');
  } catch (problem) {
    announce(message, problem.message, 'error');
  }
  await load();
}

function choose(next) {
  filter = next;
  for (const button of filters) button.setAttribute('aria-pressed', String(button.dataset.filter === filter));
  const url = new URL(window.location.href);
  if (filter === 'all') url.searchParams.delete('assignee');
  else url.searchParams.set('assignee', filter);
  window.history.replaceState(null, '', url);
  load();
}

for (const button of filters) button.addEventListener('click', () => choose(button.dataset.filter));
shortcut('m', () => choose('me'));
shortcut('u', () => choose('none'));
shortcut('a', () => choose('all'));
shortcut('r', () => load());
enableScriptControls();
choose(filters.some((b) => b.dataset.filter === filter) ? filter : 'all');
live().on('tasks', () => load());
live().onStatus((status) => {
  if (status === 'connected') load();
});
