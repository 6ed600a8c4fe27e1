// bpmn-js-token-simulation (0.39) writes its English labels straight into the DOM, past
// diagram-js's `translate`. This module passes them through `translate` as soon as they appear:
// the switch, its palette (play/pause, reset, log), the speed buttons, the log, notifications,
// the context pads on elements and the process-instance buttons. Only the library's own strings
// are touched, so element names the user typed stay as they are.

/** The library's fixed strings, and the title this module gives its switch. */
export const LABELS = new Set([
  'Token Simulation',
  'Toggle token simulation',
  'Play/Pause Simulation',
  'Play Simulation',
  'Pause Simulation',
  'Reset Simulation',
  'Toggle Simulation Log',
  'Simulation Log',
  'Close',
  'No Entries',
  'Set animation speed = Slow',
  'Set animation speed = Normal',
  'Set animation speed = Fast',
  'Found unsupported elements',
  'Not supported',
  'Finished',
  'Set Sequence Flow',
  'Add pause point',
  'Remove pause point',
  'Trigger Event',
  // what the log calls an element that has no name
  'Process',
  'SubProcess',
  'Task',
  'Service Task',
  'User Task',
  'Manual Task',
  'Script Task',
  'Business Rule Task',
  'Send Task',
  'Receive Task',
  'Call Activity',
  'Exclusive Gateway',
  'Parallel Gateway',
  'Inclusive Gateway',
  'Start Event',
  'Intermediate Event',
  'Boundary Event',
  'End Event',
]);

/** The library's composed strings; a placeholder's value is translated when it is a label. */
export const TEMPLATES = [
  '{scope} started',
  '{scope} finished',
  '{scope} canceled',
  'Focus process instance {id}',
];

const TOKEN_SIMULATION = '[class^="bts-"], [class*=" bts-"]';
const SWITCH = '.bts-toggle-mode';
const ATTRIBUTES = ['title', 'aria-label'];

/**
 * A function that translates one of the library's strings and returns any other text unchanged.
 *
 * @param {(template: string, replacements?: Object<string, string>) => string} translate
 * @return {(text: string) => string}
 */
export function labelTranslator(translate) {
  const label = (text) => (LABELS.has(text) ? translate(text) : text);
  const patterns = TEMPLATES.map((template) => [template, templatePattern(template)]);
  return (text) => {
    if (LABELS.has(text)) return translate(text);
    for (const [template, { pattern, keys }] of patterns) {
      const found = pattern.exec(text);
      if (found) {
        const values = Object.fromEntries(keys.map((key, index) => [key, label(found[index + 1])]));
        return translate(template, values);
      }
    }
    return text;
  };
}

function templatePattern(template) {
  const keys = [];
  const source = template
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const placeholder = /^\{([^}]+)\}$/.exec(part);
      if (!placeholder) return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
      keys.push(placeholder[1]);
      return '(.+)';
    })
    .join('');
  return { pattern: new RegExp(`^${source}$`), keys };
}

/**
 * Re-labels the token simulation's elements inside the canvas container now and whenever the
 * library adds or changes them.
 */
function TokenSimulationLabels(canvas, translate) {
  const container = canvas.getContainer();
  const labelOf = labelTranslator(translate);
  const switchTitle = translate('Toggle token simulation');

  const relabelText = (node) => {
    const text = node.data.trim();
    const translated = text && labelOf(text);
    if (translated && translated !== text) node.data = node.data.replace(text, translated);
  };

  const relabelAttributes = (element) => {
    for (const name of ATTRIBUTES) {
      const value = element.getAttribute(name);
      const translated = value && labelOf(value);
      if (translated && translated !== value) element.setAttribute(name, translated);
    }
  };

  /** An element of the token simulation and everything in it. */
  const relabel = (root) => {
    const texts = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = texts.nextNode(); node; node = texts.nextNode()) relabelText(node);
    for (const element of [root, ...root.querySelectorAll('[title], [aria-label]')]) {
      relabelAttributes(element);
    }
    for (const toggle of [root, ...root.querySelectorAll(SWITCH)]) {
      if (toggle.matches(SWITCH) && toggle.title !== switchTitle) toggle.title = switchTitle;
    }
  };

  /** The outermost token simulation elements in a node that is not one. */
  const relabelWithin = (node) => {
    for (const element of node.querySelectorAll(TOKEN_SIMULATION)) {
      if (!element.parentElement.closest(TOKEN_SIMULATION)) relabel(element);
    }
  };

  /** A node added somewhere in the canvas container. */
  const relabelAdded = (node, insideTokenSimulation) => {
    if (insideTokenSimulation && node.nodeType === Node.TEXT_NODE) {
      relabelText(node);
    } else if (node instanceof HTMLElement) {
      if (insideTokenSimulation || node.matches(TOKEN_SIMULATION)) relabel(node);
      else relabelWithin(node);
    }
  };

  relabelWithin(container);

  new MutationObserver((records) => {
    for (const { type, target, addedNodes } of records) {
      if (!(target instanceof HTMLElement)) continue; // the diagram's SVG: never ours
      const inside = Boolean(target.closest(TOKEN_SIMULATION));
      if (type === 'attributes') {
        if (inside) relabelAttributes(target);
      } else {
        addedNodes.forEach((node) => relabelAdded(node, inside));
      }
    }
  }).observe(container, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ATTRIBUTES,
  });
}

TokenSimulationLabels.$inject = ['canvas', 'translate'];

export default {
  __init__: ['csTokenSimulationLabels'],
  csTokenSimulationLabels: ['type', TokenSimulationLabels],
};
