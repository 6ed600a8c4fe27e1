// The editor interface: what page code may ask of a diagram editor, whatever library draws it.
//
// Both editors (BPMN on bpmn-js, CMMN on cmmn-js) implement it, so that a CMMN modeler on a
// current diagram-js can replace cmmn-js without touching a page. Page code imports this module
// only, never an editor's module nor a library.

/**
 * @typedef {Object} OpenResult
 * @property {string[]} warnings  what the importer skipped or did not understand
 */

/**
 * @typedef {Object} Editor
 * @property {(xml: string) => Promise<OpenResult>} open  show a diagram (rejects when unreadable)
 * @property {() => Promise<string>} save  the diagram as XML, formatted
 * @property {(callback: () => void) => () => void} onChange  called after each change (edit,
 *   undo, redo); returns a function that unsubscribes
 * @property {(elementId: string) => boolean} select  select and scroll to an element (false when
 *   the diagram has no such element)
 * @property {(elementId: string, className: string, title?: string) => boolean} mark  add a CSS
 *   class (and a tooltip) to an element, e.g. a validation problem
 * @property {() => void} clearMarks  remove every mark set by `mark`
 * @property {(states: Object<string, string>) => void} colour  colour elements by their runtime
 *   state (elementId -> state, e.g. "active"); replaces the previous colouring
 * @property {() => void} undo
 * @property {() => void} redo
 * @property {() => void} destroy  remove the editor from the page
 */

/**
 * @typedef {Object} EditorOptions
 * @property {boolean} [readOnly]  a viewer: navigate, select, mark, colour, but no editing
 * @property {HTMLElement} [propertiesParent]  where the properties panel goes (editing only)
 */

/** The methods every editor has. */
export const EDITOR_METHODS = Object.freeze([
  'open',
  'save',
  'onChange',
  'select',
  'mark',
  'clearMarks',
  'colour',
  'undo',
  'redo',
  'destroy',
]);

/** The states `colour` knows (CMMN 1.1 plan item states and BPMN token states). */
export const STATES = Object.freeze([
  'available',
  'enabled',
  'disabled',
  'active',
  'suspended',
  'completed',
  'terminated',
  'failed',
  'closed',
]);

const EDITORS = {
  bpmn: () => import('./bpmn-editor.js'),
  cmmn: () => import('./cmmn-editor.js'),
};

/**
 * An editor for `notation` ("bpmn" or "cmmn") drawn in `container`.
 *
 * @param {string} notation
 * @param {HTMLElement} container
 * @param {EditorOptions} [options]
 * @return {Promise<Editor>}
 */
export async function createEditor(notation, container, options = {}) {
  const load = EDITORS[notation];
  if (!load) {
    throw new Error(`no editor for the notation "${notation}"`);
  }
  const module = await load();
  return checked(await module.createEditor(container, options));
}

/**
 * `editor` if it has every method of the interface, else an error naming those missing.
 *
 * @param {Object} editor
 * @return {Editor}
 */
export function checked(editor) {
  const missing = EDITOR_METHODS.filter((name) => typeof editor[name] !== 'function');
  if (missing.length) {
    throw new Error(`the editor lacks ${missing.join(', ')}`);
  }
  return Object.freeze(editor);
}
