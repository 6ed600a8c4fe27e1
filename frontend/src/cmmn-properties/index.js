// The CMMN properties panel: the properties the engine executes, for the selected element of a
// cmmn-js modeler, edited through its command stack (undo and redo cover them).

import { h } from './dom.js';
import { t } from './i18n.js';
import { context, registerCommands } from './model.js';
import { caseFileGroup } from './groups/case-file.js';
import { applicabilityGroup } from './groups/discretionary.js';
import { generalGroup } from './groups/general.js';
import { humanTaskGroup } from './groups/human-task.js';
import { defaultControlGroup, itemControlGroup } from './groups/rules.js';
import { onPartGroup, sentryGroup } from './groups/sentry.js';
import { stageGroup } from './groups/stage.js';
import { targetGroups } from './groups/target.js';
import { timerGroup } from './groups/timer.js';
import { userEventGroup } from './groups/user-event.js';

/** The groups, in the order they are shown; each returns a group, several, or null. */
const GROUPS = [
  generalGroup,
  sentryGroup,
  onPartGroup,
  itemControlGroup,
  humanTaskGroup,
  timerGroup,
  userEventGroup,
  targetGroups,
  stageGroup,
  applicabilityGroup,
  caseFileGroup,
  defaultControlGroup,
];

/** A short title for the element: its kind (of its definition, for an item) and its name. */
function heading(element) {
  const bo = element.businessObject;
  const type = (bo.definitionRef || bo).$type.replace(/^cmmn:/, '');
  const planModel = bo.$instanceOf('cmmn:Stage') && bo.$parent?.$instanceOf('cmmn:Case');
  const kind = planModel ? 'Case plan model' : type.replace(/([a-z])([A-Z])/g, '$1 $2');
  const discretionary = bo.$instanceOf('cmmn:DiscretionaryItem') ? ` · ${t('discretionary')}` : '';
  return [t(kind) + discretionary, bo.name || bo.definitionRef?.name || bo.id];
}

/**
 * Show the panel in `parent` for `diagram` (a cmmn-js Modeler).
 *
 * @return {{destroy: () => void}}
 */
export function propertiesPanel(diagram, parent) {
  registerCommands(diagram);
  const eventBus = diagram.get('eventBus');
  const selection = diagram.get('selection');
  const ui = { folded: new Set(['default-control']) };
  const panel = h('section', { class: 'cs-props', 'aria-label': t('Properties') });
  // Typing in the panel is not a diagram shortcut (cmmn-js listens on the diagram's container).
  panel.addEventListener('keydown', (event) => event.stopPropagation());
  parent.append(panel);

  /** Remember which groups the user folded or opened (by key), across elements and redraws. */
  function keepFolding() {
    for (const details of panel.querySelectorAll('details[data-group]')) {
      if (details.open) ui.folded.delete(details.dataset.group);
      else ui.folded.add(details.dataset.group);
    }
  }

  /** A refused change, in words, above the groups (until the next redraw). */
  function refused(error) {
    panel.querySelector('.cs-refused')?.remove();
    const message = t('The change could not be made: {reason}', { reason: error.message || String(error) });
    panel.querySelector('h2')?.after(h('p', { class: 'cs-refused', role: 'alert' }, message));
  }

  function render() {
    keepFolding();
    const focused = panel.contains(document.activeElement) ? document.activeElement.dataset.key : null;
    const selected = selection.get();
    const element = selected.length === 1 ? selected[0] : null;
    if (!element?.businessObject || element.type === 'label') {
      const several = selected.length > 1 ? t('{count} elements are selected.', { count: selected.length }) : '';
      const hint = `${several} ${t('Select an element of the diagram to see its properties.')}`.trim();
      panel.replaceChildren(h('h2', {}, t('Properties')), h('p', { class: 'cs-hint' }, hint));
      panel.dataset.element = '';
      return;
    }
    const ctx = context(diagram, element, refused);
    const [kind, name] = heading(element);
    panel.replaceChildren(
      h('h2', {}, h('span', { class: 'cs-kind' }, kind), h('span', { class: 'cs-name' }, name)),
      h('p', { class: 'cs-id' }, `${t('Id')} `, h('code', {}, element.businessObject.id)),
      ...GROUPS.flatMap((build) => build(ctx, ui) || []),
    );
    panel.dataset.element = element.id;
    if (focused) panel.querySelector(`[data-key="${CSS.escape(focused)}"]`)?.focus();
  }

  const events = ['selection.changed', 'commandStack.changed', 'import.done'];
  for (const event of events) eventBus.on(event, render);
  render();
  return {
    destroy() {
      for (const event of events) eventBus.off(event, render);
      panel.remove();
    },
  };
}
