// A human task's blocking flag, performer (a case role) and due date (flowable:dueDate).

import { checkField, group, h, oneLine, selectField, textField } from '../dom.js';
import { expression } from '../check.js';
import { t } from '../i18n.js';

function performerFields(ctx, task) {
  const roles = ctx.roles();
  const current = task.performerRef;
  const select = selectField({
    key: 'performer',
    label: t('Performer'),
    value: current?.id || '',
    options: [
      { value: '', label: t('(nobody in particular)') },
      ...roles.map((role) => ({ value: role.id, label: role.name || role.id })),
    ],
    onChange: (id) => ctx.edit([[task, { performerRef: roles.find((role) => role.id === id) }]]),
  });
  if (!ctx.caseElement) return [select];
  const adder = textField({
    key: 'performer-new',
    label: t('New role'),
    value: '',
    placeholder: t('Name of the new role'),
    hint: t('Enter adds the role to the case and makes it the performer.'),
    check: (name) => {
      if (roles.some((role) => role.name === name)) return t('This role already exists.');
      return oneLine(200)(name);
    },
    onCommit: (name) => {
      if (!name) return;
      const [changes, role] = ctx.addRole(name);
      ctx.edit([...changes, [task, { performerRef: role }]]);
    },
  });
  return [select, h('div', { class: 'cs-inline' }, adder)];
}

/** A task's isBlocking (true when absent, as the schema says). */
export function blockingField(ctx, task) {
  return checkField({
    key: 'blocking',
    label: t('Blocking'),
    checked: task.isBlocking !== false,
    hint: t('A non-blocking task completes as soon as it starts.'),
    onChange: (blocking) => ctx.edit([[task, { isBlocking: blocking }]]),
  });
}

export function humanTaskGroup(ctx, ui) {
  const task = ctx.definition;
  if (!task?.$instanceOf('cmmn:HumanTask')) return null;
  const dueKey = ctx.vendorKey(task, 'dueDate');
  return group(
    { key: 'human-task', title: t('Human task'), folded: ui.folded },
    blockingField(ctx, task),
    performerFields(ctx, task),
    textField({
      key: 'due-date',
      label: t('Due date'),
      value: task.$attrs?.[dueKey],
      code: true,
      placeholder: 'P2D',
      hint: t('A duration (P2D), a date (2026-03-01) or an expression.'),
      check: expression({ oneLine: true }),
      onCommit: (text) =>
        ctx.edit([...ctx.vendorNamespaceChanges(dueKey), [task, { [dueKey]: text || undefined }]]),
    }),
  );
}
