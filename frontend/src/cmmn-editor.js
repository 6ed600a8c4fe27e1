// The CMMN editor: cmmn-js 0.20 behind the editor interface.
//
// cmmn-js is unmaintained and built on diagram-js 4; it ships as a prebuilt UMD bundle that sets
// window.CmmnJS. The page loads that bundle with a classic <script> (vendor/cmmn-modeler.js, or
// vendor/cmmn-navigated-viewer.js for read-only pages) before this module, and never on a page
// with bpmn-js. A CMMN modeler on a current diagram-js replaces this file alone (and the
// properties panel's model.js, which speaks to cmmn-js's moddle and command stack).
//
// Editing shows the properties panel (cmmn-properties/) in `options.propertiesParent`, else
// docked at the right of the editor's container.

import { propertiesPanel } from './cmmn-properties/index.js';
import { diagramEditor } from './diagram-editor.js';
import { pageIsFrench } from './i18n/translator.js';

const PANEL_WIDTH = 300; // a panel docked in the editor's container (see `panelParent`)

/**
 * Where the properties panel goes: the page's `propertiesParent`, else a panel docked at the
 * right of the editor's own container (a page without a properties area still gets one).
 */
function panelParent(container, options) {
  if (options.propertiesParent) return { parent: options.propertiesParent, right: 0 };
  const dock = document.createElement('div');
  dock.className = 'cs-props-dock';
  container.append(dock);
  container.classList.add('cs-docked');
  return { parent: dock, right: PANEL_WIDTH };
}

/**
 * cmmn-moddle declares a start trigger's `standardEvent` as an attribute, while CMMN 1.1 (and our
 * reader) has it as a child element: cmmn-js reads the element but would save an attribute, and
 * a timer's start trigger would lose its event. Make it an element again.
 */
function fixStartTriggers(moddle) {
  for (const type of ['cmmn:PlanItemStartTrigger', 'cmmn:CaseFileItemStartTrigger']) {
    const property = moddle.getType(type)?.prototype?.$descriptor?.propertiesByName?.standardEvent;
    if (property) property.isAttr = false;
  }
}

/**
 * @param {HTMLElement} container
 * @param {import('./editor-interface.js').EditorOptions} [options]
 * @return {Promise<import('./editor-interface.js').Editor>}
 */
export async function createEditor(container, options = {}) {
  const CmmnJS = globalThis.CmmnJS;
  if (typeof CmmnJS !== 'function') {
    throw new Error('the CMMN library (vendor/cmmn-*.js) is not loaded on this page');
  }
  const additionalModules = !options.readOnly && pageIsFrench()
    ? [(await import('./i18n/cmmn-fr.js')).default]
    : [];
  const diagram = new CmmnJS({ container, keyboard: { bindTo: container }, additionalModules });
  if (!options.readOnly && !diagram.get('modeling', false)) {
    throw new Error('this page loaded the CMMN viewer, not the modeler');
  }
  fixStartTriggers(diagram.get('moddle'));
  const panel = options.readOnly ? null : panelParent(container, options);
  const editor = diagramEditor(
    diagram,
    {
      importXML: (xml) =>
        new Promise((resolve, reject) => {
          diagram.importXML(xml, (error, warnings) => {
            if (error) {
              error.warnings = warnings;
              reject(error);
            } else {
              resolve({ warnings: warnings || [] });
            }
          });
        }),
      saveXML: () =>
        new Promise((resolve, reject) => {
          diagram.saveXML({ format: true }, (error, xml) => (error ? reject(error) : resolve(xml)));
        }),
    },
    container,
    { padding: panel ? { left: 136, right: panel.right } : {} }, // the palette, the docked panel
  );
  const properties = panel ? propertiesPanel(diagram, panel.parent) : null;
  return {
    ...editor,
    destroy() {
      properties?.destroy();
      // diagram-js 4 fires canvas.viewbox.changed 300 ms after a move, reading the container's
      // size: once destroyed, it reads the last viewbox instead of failing.
      const canvas = diagram.get('canvas');
      const last = canvas.viewbox();
      editor.destroy();
      canvas.viewbox = () => last;
      container.classList.remove('cs-docked');
    },
  };
}
