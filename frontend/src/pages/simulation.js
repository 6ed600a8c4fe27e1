// The simulation pages (studio/web/templates/testing/): on /simulations, choose a *.sim.json,
// adjust it with the form and run it with live progress (Socket.IO `simulation` events, and a
// slow poll in case the connection drops); on a report, the heat map on the model's diagram.

import { live } from '../live.js';
import { diagramView } from '../testing/diagram-view.js';
import { callApi, embedded, jsonProblem, messages, projectFile, show } from '../testing/page-kit.js';
import { simForm } from '../testing/sim-form.js';

const say = messages();
const POLL_MS = 1500;

const runPage = document.getElementById('simulation-page');
if (runPage) runSimulations(runPage);
const heatHost = document.getElementById('heat-diagram');
if (heatHost) showHeat(heatHost);

function runSimulations(root) {
  const { csrf } = root.dataset;
  const $ = (id) => document.getElementById(id);
  const picker = $('sim-file');
  const fileStatus = $('file-status');
  const settings = $('main-settings');
  const runButton = $('sim-run');
  const resetButton = $('sim-reset');
  const progress = $('sim-progress');
  const status = $('sim-status');
  const percent = $('sim-percent');
  const cancelButton = $('sim-cancel');
  const reportLink = $('sim-report');
  const form = simForm({
    cases: $('sim-cases'),
    seed: $('sim-seed'),
    start: $('sim-start'),
    arrivalDistribution: $('arrival-distribution'),
    arrivalMean: $('arrival-mean'),
    resources: $('resources-table'),
    work: $('work-table'),
    advanced: $('sim-advanced'),
  }, say);
  let loaded = null; // {project, version, file, doc}
  let job = null;
  let poller = null;

  async function load() {
    const option = picker.selectedOptions[0];
    loaded = null;
    settings.disabled = true;
    runButton.disabled = true;
    resetButton.disabled = true;
    if (!option?.value) {
      show(fileStatus, '');
      return;
    }
    const { project, version, file } = option.dataset;
    show(fileStatus, say('loadingFile', { file }));
    try {
      const doc = JSON.parse(await projectFile(project, version, file));
      loaded = { project, version, file, doc };
      form.fill(doc);
      settings.disabled = false;
      resetButton.disabled = false;
      runButton.disabled = job?.state === 'running';
      show(fileStatus, '');
    } catch (error) {
      show(fileStatus, say('fileFailed', { reason: error.message }), { error: true });
    }
  }

  function clearInvalid() {
    root.querySelectorAll('[aria-invalid]').forEach((e) => e.removeAttribute('aria-invalid'));
  }

  async function start(event) {
    event.preventDefault();
    clearInvalid();
    if (!loaded) {
      show(fileStatus, say('needFile'), { error: true });
      picker.focus();
      return;
    }
    let spec;
    try {
      spec = form.read();
    } catch (error) {
      if (error.field) {
        const label = root.querySelector(`label[for="${error.field.id}"]`)?.textContent || error.field.getAttribute('aria-label');
        error.field.setAttribute('aria-invalid', 'true');
        show(fileStatus, say('badNumber', { field: label }), { error: true });
        error.field.focus();
      } else {
        const advanced = $('sim-advanced');
        advanced.closest('details').open = true;
        advanced.setAttribute('aria-invalid', 'true');
        const reason = error.notObject ? say('notObject') : say('invalidJson', { reason: jsonProblem(advanced.value, error) });
        show(fileStatus, reason, { error: true });
        advanced.focus();
      }
      return;
    }
    show(fileStatus, '');
    runButton.disabled = true;
    setProgress(0, 0);
    show(status, say('starting'));
    reportLink.hidden = true;
    try {
      const body = { file: loaded.file };
      if (JSON.stringify(spec) !== JSON.stringify(loaded.doc)) body.spec = spec;
      job = await callApi(`/api/v1/projects/${loaded.project}/versions/${loaded.version}/simulations`, {
        method: 'POST',
        body,
        csrf,
      });
      follow(job);
    } catch (error) {
      runButton.disabled = false;
      show(status, say('startFailed', { reason: error.message }), { error: true });
    }
  }

  function setProgress(done, total) {
    const share = total ? Math.min(100, Math.round((100 * done) / total)) : 0;
    progress.value = share;
    progress.setAttribute('aria-valuetext', `${share} %`);
    percent.textContent = `${share} %`;
    root.dataset.percent = String(share);
  }

  function follow(current) {
    job = current;
    root.dataset.job = job.id;
    cancelButton.hidden = false;
    cancelButton.disabled = false;
    update(job);
    clearInterval(poller);
    poller = setInterval(async () => {
      try {
        update(await callApi(`/api/v1/simulations/${job.id}`));
      } catch {
        // the next event or poll will tell
      }
    }, POLL_MS);
  }

  function update(state) {
    if (!job || state.id !== job.id) return;
    const { done = 0, total = 0 } = state.progress || {};
    if (state.state === 'running') {
      setProgress(done, total);
      if (total) show(status, say('progress', { done: done.toLocaleString(), total: total.toLocaleString() }));
      return;
    }
    finish(state);
  }

  function finish(state) {
    if (job.state !== 'running' && root.dataset.state === job.state) return;
    job = { ...job, ...state };
    root.dataset.state = state.state;
    clearInterval(poller);
    cancelButton.hidden = true;
    runButton.disabled = !loaded;
    if (state.state === 'done') {
      const total = state.result?.cases?.arrived ?? state.progress?.total ?? 0;
      setProgress(1, 1);
      show(status, say('done', { total: total.toLocaleString() }));
      reportLink.href = `/simulations/${encodeURIComponent(job.id)}`;
      reportLink.hidden = false;
      reportLink.focus();
    } else if (state.state === 'cancelled') {
      show(status, say('cancelled'));
    } else {
      show(status, say('failedRun', { reason: state.error || '' }), { error: true });
    }
  }

  live().on('simulation', (event) => {
    if (!job || event.job !== job.id) return;
    root.dataset.events = String(Number(root.dataset.events || 0) + 1); // pushed, not polled
    if (event.type === 'progress') {
      update({ id: event.job, state: 'running', progress: { done: event.done, total: event.total } });
    } else {
      const states = { done: 'done', failed: 'failed', cancelled: 'cancelled' };
      finish({ id: event.job, state: states[event.type] || event.type, result: event.result, error: event.error, progress: job.progress });
    }
  });

  cancelButton.addEventListener('click', async () => {
    if (!job) return;
    cancelButton.disabled = true;
    try {
      finish(await callApi(`/api/v1/simulations/${job.id}/cancel`, { method: 'POST', csrf }));
    } catch (error) {
      cancelButton.disabled = false;
      show(status, error.message, { error: true });
    }
  });
  picker.addEventListener('change', load);
  resetButton.addEventListener('click', () => loaded && form.fill(loaded.doc));
  $('sim-form').addEventListener('submit', start);
  root.addEventListener('input', (event) => event.target.removeAttribute?.('aria-invalid'));

  const running = embedded('page-running');
  if (running) {
    follow({ id: running.id, state: 'running', progress: { done: running.done, total: running.total } });
    runButton.disabled = true;
  }
  if (picker.value) load();
}

async function showHeat(host) {
  const status = document.getElementById('heat-status');
  const heat = embedded('page-heat', {});
  const view = diagramView(host, status, say);
  const editor = await view.open(host.dataset.project, host.dataset.version, host.dataset.model);
  if (!editor) return;
  let marked = 0;
  for (const [element, { count, level }] of Object.entries(heat)) {
    if (editor.mark(element, `cs-heat-${level}`, say('heatTitle', { count: count.toLocaleString() }))) marked += 1;
  }
  host.dataset.marked = String(marked);
  show(status, marked ? say('heat', { count: marked }) : say('noHeat'));
}
