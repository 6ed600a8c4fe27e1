// Parameter mappings of a process task (or case task): what goes into the child and what comes
// back. The engine reads a mapping from one of the task's inputs as going into the child and one
// to the task's outputs as coming back; a task parameter stands for the case file item it is
// bound to (bindingRef), a process parameter for the process variable of its name.
//
// Adding a mapping creates its two parameters (the task's, bound to a case file item, and the
// process's, named after the variable); removing it removes parameters no other mapping uses.

import { group, h, oneLine, selectField, textField } from '../dom.js';
import { expression } from '../check.js';
import { t } from '../i18n.js';

const name = (parameter) => parameter?.name || parameter?.id || '?';

/** The case file items of the case (top level). */
function caseFileItems(ctx) {
  return ctx.caseElement?.caseFileModel?.caseFileItems || [];
}

/** Remove a list entry: the changes, or none when `owner[property]` does not hold it. */
function without(owner, property, entry) {
  const list = owner?.get(property) || [];
  return list.includes(entry) ? [[owner, { [property]: list.filter((e) => e !== entry) }]] : [];
}

function removeChanges(task, process, mapping) {
  const rest = (task.parameterMapping || []).filter((m) => m !== mapping);
  const used = new Set(rest.flatMap((m) => [m.sourceRef, m.targetRef]));
  const changes = [[task, { parameterMapping: rest }]];
  for (const parameter of [mapping.sourceRef, mapping.targetRef]) {
    if (!parameter || used.has(parameter)) continue;
    for (const owner of [task, process]) {
      changes.push(...without(owner, 'input', parameter), ...without(owner, 'output', parameter));
    }
  }
  return changes;
}

function mappingRow(ctx, task, process, mapping, index) {
  const label = `${name(mapping.sourceRef)} → ${name(mapping.targetRef)}`;
  const remove = h(
    'button',
    { type: 'button', class: 'cs-remove', 'aria-label': t('Remove {thing}', { thing: label }) },
    '×',
  );
  remove.dataset.key = `mapping-remove-${index}`;
  remove.addEventListener('click', () => ctx.edit(removeChanges(task, process, mapping)));
  return h(
    'div',
    { class: 'cs-mapping' },
    textField({
      key: `mapping-${index}`,
      label: t('Transformation of {mapping}', { mapping: label }),
      value: ctx.text(mapping.transformation),
      code: true,
      placeholder: t('(the value as is)'),
      check: expression({ oneLine: true }),
      onCommit: (text) => ctx.edit(ctx.expressionChanges(mapping, 'transformation', text)),
    }),
    remove,
  );
}

function adder(ctx, task, process) {
  const items = caseFileItems(ctx);
  const state = { direction: 'in', item: items[0]?.id || '', variable: '' };
  const direction = selectField({
    key: 'mapping-direction',
    label: t('Direction'),
    value: state.direction,
    options: [
      { value: 'in', label: t('Case file → process') },
      { value: 'out', label: t('Process → case file') },
    ],
    onChange: (value) => (state.direction = value),
  });
  const item = selectField({
    key: 'mapping-item',
    label: t('Case file item'),
    value: state.item,
    options: items.map((i) => ({ value: i.id, label: i.name || i.id })),
    onChange: (value) => (state.item = value),
  });
  const variable = textField({
    key: 'mapping-variable',
    label: t('Process variable'),
    value: '',
    code: true,
    check: oneLine(200),
    onCommit: (value) => (state.variable = value),
  });
  const input = variable.querySelector('input');
  const add = h('button', { type: 'button' }, t('Add mapping'));
  add.dataset.key = 'mapping-add';
  add.addEventListener('click', () => {
    const bound = items.find((i) => i.id === state.item);
    const variableName = input.value.trim();
    if (!bound || !variableName) {
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    const into = state.direction === 'in';
    const side = into ? 'input' : 'output';
    const own = ctx.create('cmmn:CaseParameter', { name: bound.name || bound.id, bindingRef: bound }, task);
    const child = ctx.create('cmmn:ProcessParameter', { name: variableName }, process);
    const ends = into ? { sourceRef: own, targetRef: child } : { sourceRef: child, targetRef: own };
    const mapping = ctx.plain('cmmn:ParameterMapping', ends, task);
    ctx.edit([
      [task, { [side]: [...(task.get(side) || []), own] }],
      [process, { [side]: [...(process.get(side) || []), child] }],
      [task, { parameterMapping: [...(task.parameterMapping || []), mapping] }],
    ]);
  });
  if (!items.length) return [h('p', { class: 'cs-hint' }, t('The case has no case file items.'))];
  const legend = h('legend', {}, t('New mapping'));
  return [h('fieldset', { class: 'cs-add' }, legend, direction, item, variable, add)];
}

/** The mappings group; `process` is the process the task calls (null for a case task). */
export function mappingsGroup(ctx, ui, task, process) {
  const mappings = task.parameterMapping || [];
  const rows = mappings.map((mapping, index) => mappingRow(ctx, task, process, mapping, index));
  if (!rows.length) {
    const text = 'No mapping: the child gets a copy of the case file and writes back what it changed.';
    rows.push(h('p', { class: 'cs-hint' }, t(text)));
  }
  return group(
    { key: 'mappings', title: t('Parameter mappings'), folded: ui.folded },
    rows,
    process ? adder(ctx, task, process) : [],
  );
}
