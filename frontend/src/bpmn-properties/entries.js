// The entries of the "Execution" group: what the engine executes that bpmn-js-properties-panel's
// BPMN provider does not edit (it has names, timers, multi-instance, message and signal events).
// Each entry writes the attribute the engine reads (studio/runtime/engine/process_definition.py).

import {
  TextAreaEntry,
  TextFieldEntry,
  isTextAreaEntryEdited,
  isTextFieldEntryEdited,
} from '@bpmn-io/properties-panel';
import { jsx } from '@bpmn-io/properties-panel/preact/jsx-runtime';
import { useService } from 'bpmn-js-properties-panel';
import { getBusinessObject, is, isAny } from 'bpmn-js/lib/util/ModelUtil';

import { definitionsOf, vendorValue, writableKey } from './vendor.js';

const UNNAMED = /^##/; // `##unspecified`, `##WebService`: no handler named

function field(Component, props) {
  return jsx(Component, props);
}

/** A text field over get/set, undoable through `modeling`. */
function textEntry({ element, id, label, description, get, set, area = false }) {
  const translate = useService('translate');
  const debounce = useService('debounceInput');
  const modeling = useService('modeling');
  const commandStack = useService('commandStack');
  const bpmnFactory = useService('bpmnFactory');
  const services = { modeling, commandStack, bpmnFactory };
  return field(area ? TextAreaEntry : TextFieldEntry, {
    element,
    id,
    label: translate(label),
    description: description && translate(description),
    getValue: () => get(getBusinessObject(element)) || '',
    setValue: (value) => set(element, (value || '').trim() ? value : undefined, services),
    debounce,
    monospace: area,
    rows: area ? 5 : undefined,
  });
}

// -- sequence-flow conditions ------------------------------------------------------------------

function isDefaultFlow(bo) {
  return bo.sourceRef?.default === bo;
}

function Condition({ element }) {
  return textEntry({
    element,
    id: 'cs-condition',
    label: 'Condition',
    description: isDefaultFlow(getBusinessObject(element))
      ? 'The default flow: taken when no other condition holds.'
      : 'An expression on the variables, e.g. amount > 1000 and status == "open".',
    get: (bo) => bo.conditionExpression?.body,
    set: (target, value, { modeling, bpmnFactory }) =>
      modeling.updateProperties(target, {
        conditionExpression: value
          ? bpmnFactory.create('bpmn:FormalExpression', { body: value })
          : undefined,
      }),
  });
}

// -- scripts, handlers, decisions ----------------------------------------------------------------

function Script({ element }) {
  return textEntry({
    element,
    id: 'cs-script',
    label: 'Script',
    description: 'One assignment per line: name = expression.',
    area: true,
    get: (bo) => bo.script,
    set: (target, value, { modeling }) =>
      modeling.updateProperties(target, { scriptFormat: 'python', script: value }),
  });
}

function Handler({ element }) {
  const config = useService('config');
  const translate = useService('translate');
  const installed = config.studioExecution?.services || [];
  return textEntry({
    element,
    id: 'cs-handler',
    label: 'Service handler',
    description: installed.length
      ? translate('Installed on the server: {services}.', { services: installed.join(', ') })
      : 'The name of a service handler installed on the server (studio.services); none is installed yet.',
    get: (bo) => (UNNAMED.test(bo.implementation || '') ? '' : bo.implementation),
    set: (target, value, { modeling }) => modeling.updateProperties(target, { implementation: value }),
  });
}

function Decision({ element }) {
  return textEntry({
    element,
    id: 'cs-decision',
    label: 'Decision',
    description: 'The id or name of a DMN decision of the project.',
    get: (bo) => (UNNAMED.test(bo.implementation || '') ? '' : bo.implementation),
    set: (target, value, { modeling }) => modeling.updateProperties(target, { implementation: value }),
  });
}

function CalledElement({ element }) {
  return textEntry({
    element,
    id: 'cs-called-element',
    label: 'Called process',
    description: 'The id of a process of the project.',
    get: (bo) => bo.calledElement,
    set: (target, value, { modeling }) => modeling.updateProperties(target, { calledElement: value }),
  });
}

// -- due dates and messages ----------------------------------------------------------------------

function vendorEntry(id, local, label, description) {
  return function VendorEntry({ element }) {
    return textEntry({
      element,
      id,
      label,
      description,
      get: (bo) => vendorValue(bo, local),
      set: (target, value, { modeling }) =>
        modeling.updateProperties(target, { [writableKey(getBusinessObject(target), local)]: value }),
    });
  };
}

const DueDate = vendorEntry(
  'cs-due-date',
  'dueDate',
  'Due date',
  'A duration from activation (P2D), a date (2026-03-01T17:00:00Z) or an expression (invoice.due_date).',
);

const CorrelationKey = vendorEntry(
  'cs-correlation-key',
  'correlationKey',
  'Correlation key',
  'Optional: an expression on the variables that a message must match.',
);

function SentMessage({ element }) {
  return textEntry({
    element,
    id: 'cs-sent-message',
    label: 'Message name',
    description: 'The message this task sends (receivers wait for the same name).',
    get: (bo) => bo.messageRef?.name || bo.messageRef?.id,
    set: (target, value, { modeling, commandStack, bpmnFactory }) => {
      const bo = getBusinessObject(target);
      if (!value) {
        modeling.updateProperties(target, { messageRef: undefined });
        return;
      }
      const definitions = definitionsOf(bo);
      const roots = definitions.get('rootElements');
      let message = roots.find((r) => is(r, 'bpmn:Message') && r.name === value);
      if (!message) {
        message = bpmnFactory.create('bpmn:Message', { name: value });
        message.$parent = definitions;
        commandStack.execute('element.updateModdleProperties', {
          element: target,
          moddleElement: definitions,
          properties: { rootElements: [...roots, message] },
        });
      }
      modeling.updateProperties(target, { messageRef: message });
    },
  });
}

// -- which entries an element gets -------------------------------------------------------------

function hasMessageTrigger(bo) {
  if (is(bo, 'bpmn:ReceiveTask')) return true;
  return (
    isAny(bo, ['bpmn:StartEvent', 'bpmn:IntermediateCatchEvent', 'bpmn:BoundaryEvent']) &&
    (bo.eventDefinitions || []).some((d) => is(d, 'bpmn:MessageEventDefinition'))
  );
}

/** The Execution group's entries for `element` (none: no group). */
export function executionEntries(element) {
  const bo = getBusinessObject(element);
  const entries = [];
  const add = (id, component, isEdited = isTextFieldEntryEdited) =>
    entries.push({ id, component, isEdited });
  if (is(bo, 'bpmn:SequenceFlow')) {
    const source = bo.sourceRef;
    if (isAny(source, ['bpmn:ExclusiveGateway', 'bpmn:InclusiveGateway', 'bpmn:Activity'])) {
      add('cs-condition', Condition);
    }
  }
  if (is(bo, 'bpmn:ScriptTask')) add('cs-script', Script, isTextAreaEntryEdited);
  if (is(bo, 'bpmn:ServiceTask')) add('cs-handler', Handler);
  if (is(bo, 'bpmn:BusinessRuleTask')) add('cs-decision', Decision);
  if (is(bo, 'bpmn:CallActivity')) add('cs-called-element', CalledElement);
  if (isAny(bo, ['bpmn:UserTask', 'bpmn:ManualTask'])) add('cs-due-date', DueDate);
  if (is(bo, 'bpmn:SendTask')) add('cs-sent-message', SentMessage);
  if (hasMessageTrigger(bo)) add('cs-correlation-key', CorrelationKey);
  return entries;
}
