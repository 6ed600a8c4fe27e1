// The scenario tests page (studio/web/templates/testing/scenarios.html): run a project version's
// scenarios (all or one), list each scenario's result and each step's, colour the diagram with
// the item states after the chosen step, edit a scenario and save it as a new version.

import { enableScriptControls } from '../ready.js';
import { diagramView } from '../testing/diagram-view.js';
import { ApiFailure, callApi, embedded, jsonProblem, messages, projectFile, show } from '../testing/page-kit.js';

const say = messages();
const root = document.getElementById('scenarios-page');

if (root) main();

function main() {
  const { project, version, csrf, notation } = root.dataset;
  const scenarios = embedded('page-scenarios', []);
  const byFile = new Map(scenarios.map((s) => [s.file, s]));
  const storageKey = `cs-tests:${project}:${version}`;
  const results = new Map(Object.entries(restore(storageKey)));
  const host = document.getElementById('diagram');
  const status = document.getElementById('diagram-status');
  const view = host ? diagramView(host, status, say) : null;
  const elements = {
    summary: document.getElementById('run-summary'),
    steps: document.getElementById('steps'),
    stepsEmpty: document.getElementById('steps-empty'),
    scenarioError: document.getElementById('scenario-error'),
    failure: document.getElementById('failure'),
    failureText: document.getElementById('failure-text'),
    runAll: document.getElementById('run-all'),
  };
  let selected = root.dataset.selected || null;
  // The step the person chose among the shown scenario's steps: a choice made while the diagram
  // still opens is kept, not replaced by the default step once it is open.
  let picked = null;

  // -- running ---------------------------------------------------------------------------------

  async function run(files) {
    const buttons = [...root.querySelectorAll('[data-run]'), elements.runAll].filter(Boolean);
    buttons.forEach((b) => (b.disabled = true));
    root.setAttribute('aria-busy', 'true');
    const one = files && files.length === 1 ? byFile.get(files[0]) : null;
    show(elements.summary, one ? say('runningOne', { name: one.name }) : say('running', { count: scenarios.length }));
    for (const file of files || scenarios.map((s) => s.file)) setBadge(file, 'running');
    try {
      const report = await callApi(`/api/v1/projects/${project}/versions/${version}/tests`, {
        method: 'POST',
        body: files ? { files } : {},
        csrf,
      });
      for (const result of report.scenarios) results.set(result.file, result);
      save(storageKey, results);
      scenarios.forEach((s) => setBadge(s.file));
      showSummary();
      const first = files ? files[0] : report.scenarios.find((r) => !r.passed)?.file || selected;
      if (first) await select(first, { focusSteps: false });
    } catch (error) {
      scenarios.forEach((s) => setBadge(s.file));
      show(elements.summary, say('requestFailed', { reason: error.message }), { error: true });
    } finally {
      buttons.forEach((b) => (b.disabled = false));
      root.setAttribute('aria-busy', 'false');
    }
  }

  function showSummary() {
    const shown = [...results.values()];
    if (!shown.length) return show(elements.summary, '');
    const passed = shown.filter((r) => r.passed).length;
    show(elements.summary, say('summary', { passed, failed: shown.length - passed }));
    elements.summary.dataset.failed = String(shown.length - passed);
  }

  function setBadge(file, running) {
    const item = root.querySelector(`li.scenario[data-file="${CSS.escape(file)}"]`);
    if (!item) return;
    const badge = item.querySelector('[data-role="badge"]');
    const result = results.get(file);
    let state = 'none';
    let text = say('notRun');
    if (running) {
      state = 'running';
      text = '…';
    } else if (result) {
      state = result.error ? 'error' : result.passed ? 'passed' : 'failed';
      text = say(result.error ? 'error' : result.passed ? 'passed' : 'failedState');
    }
    item.dataset.result = state;
    badge.textContent = text;
  }

  // -- choosing a scenario and a step ----------------------------------------------------------

  async function select(file, { focusSteps = true } = {}) {
    const scenario = byFile.get(file);
    if (!scenario) return;
    if (scenario.notation && notation && scenario.notation !== notation) {
      // bpmn-js and cmmn-js never share a page: open the page anew for the other notation.
      save(storageKey, results);
      const url = new URL(window.location.href);
      url.searchParams.set('version', version);
      url.searchParams.set('scenario', file);
      window.location.assign(url.toString());
      return;
    }
    selected = file;
    root.dataset.selected = file;
    for (const button of root.querySelectorAll('.scenario-pick')) {
      const chosen = button.dataset.file === file;
      button.setAttribute('aria-pressed', String(chosen));
      if (chosen) button.scrollIntoView({ block: 'nearest' });
    }
    renderSteps(results.get(file));
    if (view && scenario.model && scenario.notation) {
      await view.open(project, version, scenario.model);
      const result = results.get(file);
      const steps = result?.steps || [];
      if (steps.length) {
        const failing = steps.find((s) => !s.passed);
        chooseStep(picked || failing || steps[steps.length - 1]);
      } else if (view.editor) {
        view.editor.colour({});
      }
    } else if (!scenario.model || !scenario.notation) {
      show(status, say('noModel'), { error: true });
    }
    if (focusSteps) elements.steps.querySelector('button[aria-pressed="true"]')?.focus();
  }

  function renderSteps(result) {
    picked = null;
    elements.steps.replaceChildren();
    elements.failure.hidden = true;
    elements.scenarioError.hidden = true;
    if (!result) {
      elements.steps.hidden = true;
      elements.stepsEmpty.hidden = false;
      return;
    }
    elements.stepsEmpty.hidden = true;
    if (result.error) {
      elements.scenarioError.hidden = false;
      elements.scenarioError.textContent = result.error;
      elements.steps.hidden = true;
      return;
    }
    elements.steps.hidden = false;
    for (const step of result.steps) {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = `step ${step.passed ? 'pass' : 'fail'}`;
      button.dataset.step = String(step.step);
      button.setAttribute('aria-pressed', 'false');
      const mark = document.createElement('span');
      mark.className = 'step-mark';
      mark.textContent = step.passed ? '✓' : '✗';
      mark.setAttribute('aria-label', say(step.passed ? 'stepPassed' : 'stepFailed'));
      mark.setAttribute('role', 'img');
      const number = document.createElement('span');
      number.className = 'step-number';
      number.textContent = step.step === 0 ? say('start') : String(step.step);
      const does = document.createElement('span');
      does.className = 'step-does';
      does.textContent = step.does;
      const caseState = document.createElement('span');
      caseState.className = 'step-case';
      caseState.textContent = say('caseState', { state: stateName(step.case) });
      button.append(mark, number, does, caseState);
      button.addEventListener('click', () => {
        picked = step;
        chooseStep(step);
      });
      item.append(button);
      elements.steps.append(item);
    }
    const stopped = result.failures.find((f) => f.step > 0);
    if (stopped && stopped.step < (result.step_count ?? Infinity)) {
      const note = document.createElement('li');
      note.className = 'step-note muted';
      note.textContent = say('stopped', { n: stopped.step });
      elements.steps.append(note);
    } else if (!result.passed && !result.steps.length) {
      const note = document.createElement('li');
      note.className = 'step-note muted';
      note.textContent = say('noSteps');
      elements.steps.append(note);
    }
    const startFailure = result.failures.find((f) => f.step === 0);
    if (startFailure) showFailure([startFailure.message]);
  }

  function chooseStep(step) {
    for (const button of elements.steps.querySelectorAll('button.step')) {
      button.setAttribute('aria-pressed', String(button.dataset.step === String(step.step)));
    }
    if (view?.editor) {
      view.editor.colour(step.states || {});
      const where = step.step === 0 ? say('afterStart') : say('after', { n: step.step });
      show(status, where);
    }
    if (step.passed) elements.failure.hidden = true;
    else showFailure(step.messages);
  }

  function showFailure(lines) {
    elements.failureText.textContent = lines.join('\n\n');
    elements.failure.hidden = false;
  }

  // -- editing ---------------------------------------------------------------------------------

  const dialog = document.getElementById('editor');
  const text = document.getElementById('editor-text');
  const commit = document.getElementById('editor-commit');
  const note = document.getElementById('editor-message');
  const saveButton = document.getElementById('editor-save');
  let editing = null;
  let original = '';

  async function edit(file) {
    editing = file;
    document.getElementById('editor-file').textContent = file;
    show(note, say('loading'));
    text.value = '';
    commit.value = '';
    saveButton.disabled = true;
    dialog.showModal();
    try {
      original = await projectFile(project, version, file);
      text.value = original;
      show(note, '');
      saveButton.disabled = false;
      text.focus();
    } catch (error) {
      show(note, say('saveFailed', { reason: error.message }), { error: true });
    }
  }

  async function saveEdit() {
    const content = text.value;
    let parsed;
    try {
      parsed = JSON.parse(content);
    } catch (error) {
      show(note, say('invalidJson', { reason: jsonProblem(content, error) }), { error: true });
      text.setAttribute('aria-invalid', 'true');
      text.focus();
      return;
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      show(note, say('notObject'), { error: true });
      text.setAttribute('aria-invalid', 'true');
      return;
    }
    text.removeAttribute('aria-invalid');
    if (content === original) {
      show(note, say('unchanged'));
      return;
    }
    saveButton.disabled = true;
    show(note, say('saving'));
    try {
      const answer = await callApi(`/api/v1/projects/${project}/versions`, {
        method: 'POST',
        body: { base: Number(version), message: commit.value || `Edited ${editing}`, files: { [editing]: content } },
        csrf,
      });
      const number = answer.version.number;
      show(note, say('saved', { n: number }));
      const url = new URL(window.location.href);
      url.searchParams.set('version', String(number));
      url.searchParams.set('scenario', editing);
      window.location.assign(url.toString());
    } catch (error) {
      saveButton.disabled = false;
      const stale = error instanceof ApiFailure && error.code === 'stale-version';
      const message = stale
        ? say('stale', { n: error.details?.newest ?? '?' })
        : say('saveFailed', { reason: error.message });
      show(note, message, { error: true });
    }
  }

  // -- wiring ----------------------------------------------------------------------------------

  elements.runAll?.addEventListener('click', () => run(null));
  for (const button of root.querySelectorAll('[data-run]')) {
    button.addEventListener('click', () => run([button.dataset.run]));
  }
  for (const button of root.querySelectorAll('[data-edit]')) {
    button.addEventListener('click', () => edit(button.dataset.edit));
  }
  for (const button of root.querySelectorAll('.scenario-pick')) {
    button.addEventListener('click', () => select(button.dataset.file));
  }
  saveButton?.addEventListener('click', saveEdit);
  document.getElementById('editor-form')?.addEventListener('submit', (event) => {
    event.preventDefault(); // Enter in the message field saves, it does not just close
    if (!saveButton.disabled) saveEdit();
  });
  document.getElementById('editor-cancel')?.addEventListener('click', () => dialog.close());
  text?.addEventListener('input', () => text.removeAttribute('aria-invalid'));
  enableScriptControls();

  scenarios.forEach((s) => setBadge(s.file));
  showSummary();
  if (selected) select(selected, { focusSteps: false });
}

/** A case state in the page's language (as the engine names it when there is no translation). */
function stateName(state) {
  const key = `state-${state}`;
  const shown = say(key);
  return shown === key ? state : shown;
}

function restore(key) {
  try {
    return JSON.parse(sessionStorage.getItem(key) || '{}');
  } catch {
    return {};
  }
}

function save(key, results) {
  try {
    sessionStorage.setItem(key, JSON.stringify(Object.fromEntries(results)));
  } catch {
    // storage full or refused: results stay in this page only
  }
}
