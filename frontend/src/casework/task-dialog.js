// The dialog that completes a task: its form (from the task's JSON Schema) or, for a task
// without one, a plain confirmation; errors in words next to the fields and at the top.

import { buildForm } from './form.js';
import { announce, api, h, say } from './page.js';

/**
 * Open the completion dialog of `task` ({id, name}); resolves true once completed, false when
 * cancelled.
 */
export async function completeTask(task) {
  const { schema } = await api(`/tasks/${encodeURIComponent(task.id)}/form`);
  return new Promise((resolve) => {
    const titleId = 'task-dialog-title';
    const message = h('p', { class: 'message', hidden: true });
    const fields = h('div', { class: 'fields' });
    const submit = h('button', { type: 'submit', class: 'primary' }, say('form.submit'));
    const cancel = h('button', { type: 'button' }, say('form.cancel'));
    const form = h('form', { novalidate: true, class: 'task-form' },
      h('h2', { id: titleId }, say('form.title', { name: task.name })),
      message,
      schema ? fields : h('p', { class: 'muted' }, say('form.none')),
      h('div', { class: 'dialog-buttons' }, cancel, submit));
    const dialog = h('dialog', { class: 'task-dialog', 'aria-labelledby': titleId }, form);
    const built = schema ? buildForm(schema, fields) : { read: () => ({ value: {}, errors: [] }) };
    let done = false;

    cancel.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(done);
    });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const { value, errors } = built.read();
      if (errors.length) {
        announce(message, say('form.fix', { count: errors.length }), 'error');
        errors[0].field?.focus();
        return;
      }
      submit.disabled = true;
      try {
        await api(`/tasks/${encodeURIComponent(task.id)}/complete`, { method: 'POST', body: { data: value } });
        done = true;
        dialog.close();
      } catch (problem) {
        announce(message, problem.message, 'error');
        message.focus?.();
      } finally {
        submit.disabled = false;
      }
    });
    message.tabIndex = -1;
    document.body.append(dialog);
    dialog.showModal();
    (fields.querySelector('input, select, textarea') || submit).focus();
  });
}
