// The incidents page (/admin/incidents): Retry puts the timers an incident parked back on the
// schedule and clears the case's incidents (the case action {"retry": "@case"}).

import { call } from '../admin/api.js';
import { announce, announceKept, ready, reason, reloadWith, say } from '../admin/notify.js';

for (const button of document.querySelectorAll('button[data-retry]')) {
  button.addEventListener('click', async () => {
    const id = button.dataset.retry;
    button.disabled = true;
    announce(say('retrying', { case: id }));
    try {
      await call('POST', `/api/v1/cases/${encodeURIComponent(id)}/actions`, { retry: '@case' });
      reloadWith(say('retried', { case: id }));
    } catch (error) {
      button.disabled = false;
      announce(reason(error), { error: true });
    }
  });
}

announceKept();
ready();
