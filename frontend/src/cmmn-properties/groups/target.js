// What a process, decision or case task calls. A process task names a `process` element of the
// definitions (processRef) whose externalRef is the id of a BPMN process of the project; a
// decision task a `decision` element (decisionRef) whose externalRef names a DMN decision; a case
// task names a case by its id (caseRef).

import { group, h, oneLine, selectField, textField } from '../dom.js';
import { t } from '../i18n.js';
import { blockingField } from './human-task.js';
import { mappingsGroup } from './mappings.js';

const localId = (ref) => (ref || '').split(':').pop();

/** "Name (external id)", or the external id alone when it is the name too. */
function calledLabel(element) {
  const name = element.name || element.id;
  const external = element.externalRef;
  return external && external !== name ? `${name} (${external})` : name;
}

/** What a process task or decision task calls: an element of the definitions, by id. */
const CALLED = {
  process: {
    collection: 'processes',
    ref: 'processRef',
    type: 'cmmn:Process',
    implementationType: 'http://www.omg.org/spec/CMMN/ProcessType/BPMN20',
    labels: ['Process', '(no process)', 'BPMN process id (externalRef)', 'New process'],
  },
  decision: {
    collection: 'decisions',
    ref: 'decisionRef',
    type: 'cmmn:Decision',
    implementationType: 'http://www.omg.org/spec/CMMN/DecisionType/DMN1',
    labels: ['Decision', '(no decision)', 'DMN decision id (externalRef)', 'New decision'],
  },
};

/** The called element of `task`, among those of the definitions (or undefined). */
function calledElement(ctx, task, kind) {
  const { collection, ref } = CALLED[kind];
  return (ctx.definitions[collection] || []).find((e) => e.id === localId(task[ref]));
}

function calledFields(ctx, task, kind) {
  const { definitions } = ctx;
  const { collection, ref, type, implementationType, labels } = CALLED[kind];
  const [label, none, externalLabel, newLabel] = labels.map((text) => t(text));
  const elements = definitions[collection] || [];
  const current = calledElement(ctx, task, kind);
  const fields = [
    selectField({
      key: kind,
      label,
      value: current?.id || '',
      options: [{ value: '', label: none }, ...elements.map((e) => ({ value: e.id, label: calledLabel(e) }))],
      onChange: (id) => ctx.edit([[task, { [ref]: id || undefined }]]),
    }),
  ];
  if (current) {
    fields.push(
      textField({
        key: `${kind}-external-ref`,
        label: externalLabel,
        value: current.externalRef,
        code: true,
        check: oneLine(200),
        onCommit: (externalRef) => ctx.edit([[current, { externalRef: externalRef || undefined }]]),
      }),
    );
  }
  fields.push(
    textField({
      key: `${kind}-new`,
      label: newLabel,
      value: '',
      code: true,
      placeholder: externalLabel,
      hint: t('Enter adds it to the model and calls it.'),
      check: oneLine(200),
      onCommit: (externalRef) => {
        if (!externalRef) return;
        const created = ctx.create(type, { name: externalRef, externalRef, implementationType }, definitions);
        ctx.edit([
          [definitions, { [collection]: [...elements, created] }],
          [task, { [ref]: created.id }],
        ]);
      },
    }),
  );
  return fields;
}

function caseFields(ctx, task) {
  const listId = `cs-cases-${task.id}`;
  const field = textField({
    key: 'case-ref',
    label: t('Case id (caseRef)'),
    value: localId(task.caseRef),
    code: true,
    check: oneLine(200),
    onCommit: (caseRef) => ctx.edit([[task, { caseRef: caseRef || undefined }]]),
  });
  field.querySelector('input').setAttribute('list', listId);
  const cases = (ctx.definitions.cases || []).filter((c) => c !== ctx.caseElement);
  return [field, h('datalist', { id: listId }, cases.map((c) => h('option', { value: c.id }, c.name || c.id)))];
}

/** The target group and the mappings group of a process or case task. */
export function targetGroups(ctx, ui) {
  const task = ctx.definition;
  if (!task) return null;
  if (task.$instanceOf('cmmn:ProcessTask')) {
    const fields = [blockingField(ctx, task), calledFields(ctx, task, 'process')];
    return [
      group({ key: 'target', title: t('Target'), folded: ui.folded }, fields),
      mappingsGroup(ctx, ui, task, calledElement(ctx, task, 'process') || null),
    ];
  }
  if (task.$instanceOf('cmmn:DecisionTask')) {
    const fields = [blockingField(ctx, task), calledFields(ctx, task, 'decision')];
    return group({ key: 'target', title: t('Target'), folded: ui.folded }, fields);
  }
  if (task.$instanceOf('cmmn:CaseTask')) {
    const fields = [blockingField(ctx, task), caseFields(ctx, task)];
    return [
      group({ key: 'target', title: t('Target'), folded: ui.folded }, fields),
      mappingsGroup(ctx, ui, task, null),
    ];
  }
  return null;
}
