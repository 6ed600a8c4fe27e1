// The project editor page (studio/web/templates/projects/editor.html): open a BPMN or CMMN file
// of a project version through the editor interface, save new versions (stale saves explained),
// validate the unsaved model live (marks on the diagram, a problems panel), lay it out again on
// the server. Page code: it speaks to the editor interface and the REST API only.

import { createEditor } from '../editor-interface.js';
import { ApiProblem, call, fetchText } from '../editing/api.js';
import { liveValidation } from '../editing/live-validation.js';
import { showProblems } from '../editing/problems-panel.js';
import { say } from '../editing/strings.js';
import { download, guardUnsaved } from '../editing/unsaved.js';

const host = document.getElementById('diagram');
const status = document.getElementById('diagram-status');
const buttons = Object.fromEntries(
  [...document.querySelectorAll('[data-action]')].map((b) => [b.dataset.action, b]),
);
const { notation, src, name, project, path, element } = host.dataset;
const api = `/api/v1/projects/${project}`;
let version = Number(host.dataset.version);
let dirty = false;
let editor = null;

function show(text, { error = false } = {}) {
  status.textContent = text;
  status.classList.toggle('error', error);
}

function setDirty(value) {
  dirty = value;
  document.getElementById('dirty').hidden = !value;
}

function counted(errors, warnings) {
  const part = (n, kind) => (n === 1 ? say(`${kind}1`) : say(`${kind}N`, { count: n }));
  return [errors && part(errors, 'errors'), warnings && part(warnings, 'warnings')]
    .filter(Boolean)
    .join(', ');
}

function reason(error) {
  return error?.message || String(error);
}

// -- validation --------------------------------------------------------------------------------

const problemList = document.getElementById('problem-list');
const problemStatus = document.getElementById('problems-status');
const problemCount = document.getElementById('problem-count');

let checkedXml = '';

const validation = liveValidation({
  async check() {
    const xml = await editor.save();
    checkedXml = xml;
    return call(`${api}/validate`, {
      method: 'POST',
      json: { version, files: { [path]: xml } },
      offline: say('network'),
    });
  },
  started() {
    problemList.setAttribute('aria-busy', 'true');
  },
  show(report) {
    const { errors, warnings } = showProblems(report, path, editor, problemList);
    problemList.setAttribute('aria-busy', 'false');
    problemCount.textContent = String(errors + warnings);
    problemCount.className = `count${errors ? ' error' : warnings ? ' warning' : ''}`;
    problemStatus.textContent = errors + warnings ? counted(errors, warnings) : say('noProblems');
    showHidden(report);
    host.dataset.validated = String(Date.now());
  },
  fail(error) {
    problemList.setAttribute('aria-busy', 'false');
    problemStatus.textContent = say('validationFailed', { reason: reason(error) });
  },
});

// -- saving ------------------------------------------------------------------------------------

const dialog = document.getElementById('save-dialog');
const stale = document.getElementById('stale');

function askToSave() {
  if (!buttons.save || buttons.save.disabled || dialog.open) return;
  const input = dialog.querySelector('#save-message');
  input.value = '';
  input.placeholder = say('defaultMessage', { file: name });
  dialog.showModal();
  input.focus();
}

async function save(message) {
  buttons.save.disabled = true;
  show(say('saving'));
  try {
    const xml = await editor.save();
    const answer = await call(`${api}/versions`, {
      method: 'POST',
      json: { base: version, message, files: { [path]: xml } },
      offline: say('network'),
    });
    const saved = answer.version.number;
    if (answer.created) {
      version = saved;
      host.dataset.version = String(saved);
      const url = new URL(window.location.href);
      url.searchParams.set('version', String(saved));
      window.history.replaceState(null, '', url);
      const crumb = document.getElementById('crumb-version');
      crumb.textContent = crumb.dataset.label.replace('{version}', String(saved));
      crumb.search = `?version=${saved}`;
      show(say('saved', { version: saved }));
    } else {
      show(say('unchanged', { version: saved }));
    }
    setDirty(false);
    beforePools = null;
    if (pooledNotice) pooledNotice.hidden = true;
  } catch (error) {
    if (error instanceof ApiProblem && error.code === 'stale-version') {
      showStale(error.details);
      show(say('staleShort', { version: error.details?.newest ?? '' }), { error: true });
    } else {
      show(say('saveFailed', { reason: reason(error) }), { error: true });
    }
  } finally {
    buttons.save.disabled = false;
  }
}

function showStale(details) {
  const meanwhile = details?.saved_meanwhile || [];
  const last = meanwhile[meanwhile.length - 1] || {};
  const who = [...new Set(meanwhile.map((s) => s.author || say('someone')))].join(', ');
  const when = last.created_at ? new Date(last.created_at).toLocaleString() : '';
  document.getElementById('stale-text').textContent = say('stale', {
    who,
    version: last.number ?? details?.newest ?? '',
    when,
    message: last.message || say('noMessage'),
  });
  stale.hidden = false;
  stale.querySelector('a, button')?.focus();
}

// -- auto-layout -------------------------------------------------------------------------------

async function layout() {
  buttons.layout.disabled = true;
  show(say('layingOut'));
  try {
    const answer = await call(`${api}/layout`, {
      method: 'POST',
      json: { path, xml: await editor.save() },
      offline: say('network'),
    });
    await editor.open(answer.xml);
    setDirty(true);
    show(say('laidOut'));
    validation.now();
  } catch (error) {
    show(say('layoutFailed', { reason: reason(error) }), { error: true });
  } finally {
    buttons.layout.disabled = false;
  }
}

// -- processes the diagram does not show ---------------------------------------------------------

const HIDDEN = 'bpmn.diagram.hidden-process';
const hiddenNotice = document.getElementById('hidden-processes');
const pooledNotice = document.getElementById('pooled');
let beforePools = null;
let editedSincePools = false;

/** Undo: the pools rewrite when nothing was edited since (an import is not on bpmn-js's undo
 * stack), else the editor's last change. */
function undo() {
  if (beforePools !== null && !editedSincePools) unpool();
  else editor.undo();
}

/** Name the processes of this file that no diagram shows (from the validator's report). */
function showHidden(report) {
  if (!hiddenNotice) return;
  const ids = report.files
    .filter((f) => f.file === path)
    .flatMap((f) => f.problems)
    .filter((p) => p.code === HIDDEN && p.element)
    .map((p) => p.element);
  hiddenNotice.hidden = ids.length === 0;
  if (!ids.length) return;
  const doc = new DOMParser().parseFromString(checkedXml, 'application/xml');
  const names = ids.map((id) => {
    const process = [...doc.getElementsByTagNameNS('*', 'process')].find((p) => p.getAttribute('id') === id);
    const name = process?.getAttribute('name');
    return name && name !== id ? `${name} (${id})` : id;
  });
  document.getElementById('hidden-text').textContent = ids.length === 1
    ? say('hiddenOne', { names: names[0] })
    : say('hiddenMany', { count: ids.length, names: names.join(', ') });
}

async function pools() {
  buttons.pools.disabled = true;
  show(say('pooling'));
  try {
    const xml = await editor.save();
    const answer = await call(`${api}/pools`, {
      method: 'POST',
      json: { path, xml },
      offline: say('network'),
    });
    await editor.open(answer.xml);
    beforePools = { xml, dirty };
    editedSincePools = false;
    buttons.undo.disabled = false;
    setDirty(true);
    hiddenNotice.hidden = true;
    pooledNotice.hidden = false;
    show(say('pooled'));
    validation.now();
  } catch (error) {
    show(say('poolsFailed', { reason: reason(error) }), { error: true });
  } finally {
    buttons.pools.disabled = false;
  }
}

async function unpool() {
  if (beforePools === null) return;
  const { xml, dirty: wasDirty } = beforePools;
  beforePools = null;
  await editor.open(xml);
  setDirty(wasDirty);
  pooledNotice.hidden = true;
  show(say('unpooled'));
  validation.now();
}

// -- wiring ------------------------------------------------------------------------------------

function inDiagramOrField(target) {
  return host.contains(target) || target.closest?.('input, textarea, select, [contenteditable]');
}

function wire() {
  editor.onChange(() => {
    editedSincePools = true;
    setDirty(true);
    buttons.undo.disabled = false;
    buttons.redo.disabled = false;
    show(say('unsaved'));
    validation.schedule();
  });
  buttons.undo.addEventListener('click', undo);
  buttons.redo.addEventListener('click', () => editor.redo());
  buttons.download.addEventListener('click', async () => {
    download(await editor.save(), name);
    show(say('downloaded', { file: name }));
  });
  buttons['download-mine']?.addEventListener('click', async () => download(await editor.save(), name));
  buttons.dismiss?.addEventListener('click', () => {
    stale.hidden = true;
  });
  buttons.layout?.addEventListener('click', layout);
  buttons.pools?.addEventListener('click', pools);
  buttons.unpool?.addEventListener('click', unpool);
  buttons.save?.addEventListener('click', askToSave);
  buttons['cancel-save']?.addEventListener('click', () => dialog.close());
  dialog?.querySelector('form').addEventListener('submit', (event) => {
    event.preventDefault();
    const message = dialog.querySelector('#save-message').value.trim();
    dialog.close();
    save(message || say('defaultMessage', { file: name }));
  });
  document.addEventListener('keydown', (event) => {
    if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
    const key = event.key.toLowerCase();
    if (key === 's') {
      event.preventDefault();
      askToSave();
    } else if (!inDiagramOrField(event.target) && (key === 'z' || key === 'y')) {
      event.preventDefault();
      if (key === 'y' || event.shiftKey) editor.redo();
      else undo();
    }
  });
  guardUnsaved(() => dirty, say('leave'));
  for (const action of ['download', 'layout', 'save', 'pools']) {
    if (buttons[action]) buttons[action].disabled = false;
  }
}

async function main() {
  show(say('loading'));
  try {
    const [created, xml] = await Promise.all([
      createEditor(notation, host, {
        propertiesParent: document.getElementById('properties'),
        services: JSON.parse(host.dataset.services || '[]'),
      }),
      fetchText(src),
    ]);
    editor = created;
    await editor.open(xml);
    wire();
    if (element) editor.select(element);
    const drawn = '.djs-element[data-element-id]:not([data-element-id$="_label"])';
    show(say('opened', { version, count: host.querySelectorAll(drawn).length }));
    host.dataset.state = 'ready';
    validation.now();
  } catch (error) {
    show(say('failed', { reason: reason(error) }), { error: true });
    host.dataset.state = 'failed';
  } finally {
    host.setAttribute('aria-busy', 'false');
  }
}

main();
