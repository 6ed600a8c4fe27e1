// What a process task or case task starts. A process task names a `process` element of the
// definitions (processRef) whose externalRef is the id of a BPMN process of the project; a case
// task names a case by its id (caseRef).

import { group, h, oneLine, selectField, textField } from '../dom.js';
import { t } from '../i18n.js';
import { blockingField } from './human-task.js';
import { mappingsGroup } from './mappings.js';

const BPMN = 'http://www.omg.org/spec/CMMN/ProcessType/BPMN20';
const localId = (ref) => (ref || '').split(':').pop();

/** "Name (BPMN id)", or the BPMN id alone when it is the name too. */
function processLabel(process) {
  const name = process.name || process.id;
  const external = process.externalRef;
  return external && external !== name ? `${name} (${external})` : name;
}

function processFields(ctx, task) {
  const { definitions } = ctx;
  const processes = definitions.processes || [];
  const current = processes.find((process) => process.id === localId(task.processRef));
  const fields = [
    selectField({
      key: 'process',
      label: t('Process'),
      value: current?.id || '',
      options: [
        { value: '', label: t('(no process)') },
        ...processes.map((process) => ({
          value: process.id,
          label: processLabel(process),
        })),
      ],
      onChange: (id) => ctx.edit([[task, { processRef: id || undefined }]]),
    }),
  ];
  if (current) {
    fields.push(
      textField({
        key: 'process-external-ref',
        label: t('BPMN process id (externalRef)'),
        value: current.externalRef,
        code: true,
        check: oneLine(200),
        onCommit: (externalRef) => ctx.edit([[current, { externalRef: externalRef || undefined }]]),
      }),
    );
  }
  fields.push(
    textField({
      key: 'process-new',
      label: t('New process'),
      value: '',
      code: true,
      placeholder: t('BPMN process id (externalRef)'),
      check: oneLine(200),
      onCommit: (externalRef) => {
        if (!externalRef) return;
        const process = ctx.create(
          'cmmn:Process',
          { name: externalRef, externalRef, implementationType: BPMN },
          definitions,
        );
        ctx.edit([
          [definitions, { processes: [...processes, process] }],
          [task, { processRef: process.id }],
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
    const process = (ctx.definitions.processes || []).find((p) => p.id === localId(task.processRef));
    const fields = [blockingField(ctx, task), processFields(ctx, task)];
    return [
      group({ key: 'target', title: t('Target'), folded: ui.folded }, fields),
      mappingsGroup(ctx, ui, task, process || null),
    ];
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
