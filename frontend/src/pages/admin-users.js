// The users page (/admin, studio/web/templates/admin/users.html): add a user, change roles,
// groups and activity, reset a password, revoke API tokens — through /api/v1/users.

import { call } from '../admin/api.js';
import { announceKept, formError, ready, reason, reloadWith, say } from '../admin/notify.js';

const me = document.querySelector('table.users')?.dataset.me || '';
const dialog = document.getElementById('edit-user');
const editForm = document.getElementById('edit-form');
const passwordForm = document.getElementById('password-form');
let editing = '';

/** Names typed separated by commas, trimmed, without empties. */
function names(text) {
  return text.split(',').map((name) => name.trim()).filter(Boolean);
}

function checkedRoles(form) {
  return [...form.querySelectorAll('input[name=roles]:checked')].map((box) => box.value);
}

function minPassword(input) {
  return Number(input.getAttribute('minlength')) || 10;
}

async function busy(button, work) {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    await work();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

function wireAdding() {
  const form = document.getElementById('add-user');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const username = form.elements.username.value.trim();
    const password = form.elements.password.value;
    const roles = checkedRoles(form);
    const problem = !username
      ? ['username', say('need_username')]
      : password.length < minPassword(form.elements.password)
        ? ['password', say('need_password', { min: minPassword(form.elements.password) })]
        : roles.length === 0
          ? ['roles', say('need_role')]
          : null;
    if (problem) {
      formError(form, problem[1]);
      const field = form.elements[problem[0]];
      (field instanceof RadioNodeList ? field[0] : field).focus();
      return;
    }
    formError(form, '');
    await busy(form.querySelector('button[type=submit]'), async () => {
      try {
        const user = await call('POST', '/api/v1/users', {
          username,
          password,
          roles,
          groups: names(form.elements.groups.value),
        });
        reloadWith(say('added', { user: user.username }));
      } catch (error) {
        formError(form, reason(error));
      }
    });
  });
}

/** What the edit form changes on the user being edited (only that is sent, and audited). */
function changed(roles) {
  const row = document.querySelector(`tr[data-username="${CSS.escape(editing)}"]`);
  const before = {
    roles: row.dataset.roles.split(',').filter(Boolean).sort(),
    groups: names(row.dataset.groups).sort(),
    active: row.dataset.active === 'true',
  };
  const after = {
    roles: [...roles].sort(),
    groups: names(editForm.elements.groups.value).sort(),
    active: editForm.elements.active.checked,
  };
  const changes = {};
  for (const field of ['roles', 'groups', 'active']) {
    if (JSON.stringify(before[field]) !== JSON.stringify(after[field])) changes[field] = after[field];
  }
  return changes;
}

function openEditor(row) {
  editing = row.dataset.username;
  const roles = new Set(row.dataset.roles.split(',').filter(Boolean));
  dialog.querySelector('[data-field=username]').textContent = editing;
  for (const box of editForm.querySelectorAll('input[name=roles]')) {
    box.checked = roles.has(box.value);
    box.disabled = editing === me && box.value === 'admin';
  }
  editForm.elements.groups.value = row.dataset.groups;
  editForm.elements.active.checked = row.dataset.active === 'true';
  editForm.elements.active.disabled = editing === me;
  dialog.querySelector('.self-note').hidden = editing !== me;
  passwordForm.elements.password.value = '';
  formError(editForm, '');
  formError(passwordForm, '');
  dialog.showModal();
}

function wireEditing() {
  for (const button of document.querySelectorAll('button[data-edit]')) {
    button.addEventListener('click', () => openEditor(button.closest('tr')));
  }
  dialog.querySelector('[data-close]').addEventListener('click', () => dialog.close());
  editForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const roles = checkedRoles(editForm);
    if (roles.length === 0) {
      formError(editForm, say('need_role'));
      return;
    }
    const changes = changed(roles);
    if (Object.keys(changes).length === 0) {
      dialog.close();
      return;
    }
    await busy(event.submitter || editForm.querySelector('[type=submit]'), async () => {
      try {
        await call('PATCH', `/api/v1/users/${encodeURIComponent(editing)}`, changes);
        reloadWith(say('saved', { user: editing }));
      } catch (error) {
        formError(editForm, reason(error));
      }
    });
  });
  passwordForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const input = passwordForm.elements.password;
    if (input.value.length < minPassword(input)) {
      formError(passwordForm, say('need_password', { min: minPassword(input) }));
      input.focus();
      return;
    }
    await busy(passwordForm.querySelector('[type=submit]'), async () => {
      try {
        const url = `/api/v1/users/${encodeURIComponent(editing)}/password`;
        await call('POST', url, { password: input.value });
        reloadWith(say('password', { user: editing }));
      } catch (error) {
        formError(passwordForm, reason(error));
      }
    });
  });
  const revoke = passwordForm.querySelector('[data-revoke]');
  revoke.addEventListener('click', () =>
    busy(revoke, async () => {
      try {
        const url = `/api/v1/users/${encodeURIComponent(editing)}/tokens/revoke`;
        const done = await call('POST', url);
        reloadWith(say('revoked', { user: editing, count: done.revoked }));
      } catch (error) {
        formError(passwordForm, reason(error));
      }
    }),
  );
}

announceKept();
wireAdding();
wireEditing();
ready();
