// The incidents page (/admin/incidents): Retry puts the timers an incident parked back on the
// schedule and clears the case's incidents (the case action {"retry": "@case"}); Run again runs a
// failed BPMN task again ({"retry": "<task>"}); Dismiss clears incidents that have nothing to run
// again (a command rolled back after the loop budget), with the same case action.

import { call } from '../admin/api.js';
import { announce, announceKept, ready, reason, reloadWith, say } from '../admin/notify.js';

async function act(button, action, pending, done) {
  button.disabled = true;
  announce(pending);
  try {
    await call('POST', `/api/v1/cases/${encodeURIComponent(button.dataset.retry || button.dataset.dismiss)}/actions`, action);
    reloadWith(done);
  } catch (error) {
    button.disabled = false;
    announce(reason(error), { error: true });
  }
}

for (const button of document.querySelectorAll('button[data-retry]')) {
  button.addEventListener('click', () => {
    const id = button.dataset.retry;
    const task = button.dataset.task;
    if (task) {
      act(button, { retry: task }, say('retrying', { case: id }), say('task_retried', { case: id, task }));
    } else {
      act(button, { retry: '@case' }, say('retrying', { case: id }), say('retried', { case: id }));
    }
  });
}

for (const button of document.querySelectorAll('button[data-dismiss]')) {
  button.addEventListener('click', () => {
    const id = button.dataset.dismiss;
    act(button, { retry: '@case' }, say('retrying', { case: id }), say('dismissed', { case: id }));
  });
}

announceKept();
ready();
