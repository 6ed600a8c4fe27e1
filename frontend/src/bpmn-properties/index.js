// The "Execution" group of the BPMN properties panel: a bpmn-js-properties-panel provider for
// what the engine executes that the base BPMN provider leaves out (entries.js).

import { executionEntries } from './entries.js';

const PRIORITY = 400; // after the base provider (1000 adds General, Timer, Multi-instance, ...)

class ExecutionPropertiesProvider {
  constructor(propertiesPanel, translate) {
    this._translate = translate;
    propertiesPanel.registerProvider(PRIORITY, this);
  }

  getGroups(element) {
    return (groups) => {
      const entries = executionEntries(element);
      if (!entries.length) return groups;
      const group = { id: 'cs-execution', label: this._translate('Execution'), entries };
      const general = groups.findIndex((g) => g.id === 'general');
      groups.splice(general >= 0 ? general + 1 : 0, 0, group);
      return groups;
    };
  }
}

ExecutionPropertiesProvider.$inject = ['propertiesPanel', 'translate'];

export default {
  __init__: ['executionPropertiesProvider'],
  executionPropertiesProvider: ['type', ExecutionPropertiesProvider],
};
