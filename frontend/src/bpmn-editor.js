// The BPMN editor: bpmn-js 18 behind the editor interface. Editing brings the properties panel,
// bpmnlint (rules of ../.bpmnlintrc) and token simulation; read-only is bpmn-js's
// NavigatedViewer, a much smaller download (the modeler's code is fetched only when editing).
// With the properties panel comes our "Execution" group (./bpmn-properties/): conditions,
// scripts, service handlers, decisions, due dates and message names as the engine reads them.
// Token simulation's controls are made usable from the keyboard by
// ./editing/token-simulation-access.js.

import { diagramEditor } from './diagram-editor.js';
import { pageIsFrench } from './i18n/translator.js';

/**
 * @param {HTMLElement} container
 * @param {import('./editor-interface.js').EditorOptions} [options]
 * @return {Promise<import('./editor-interface.js').Editor>}
 */
export async function createEditor(container, options = {}) {
  const diagram = options.readOnly
    ? await viewer(container)
    : await modeler(container, options.propertiesParent, options.services);
  return diagramEditor(
    diagram,
    {
      async importXML(xml) {
        return diagram.importXML(xml);
      },
      async saveXML() {
        const { xml } = await diagram.saveXML({ format: true });
        return xml;
      },
    },
    container,
    { padding: options.readOnly ? {} : EDITING_PADDING },
  );
}

/** Room for the palette (left), token simulation's switch (top) and bpmnlint's button (bottom). */
const EDITING_PADDING = { top: 72, left: 136, bottom: 64 };

/** The properties panel's first layout: the General and Execution groups open. */
const PANEL_LAYOUT = { groups: { general: { open: true }, 'cs-execution': { open: true } } };

async function viewer(container) {
  const { default: NavigatedViewer } = await import('bpmn-js/lib/NavigatedViewer');
  return new NavigatedViewer({ container });
}

/**
 * @param {HTMLElement} container
 * @param {HTMLElement} [propertiesParent]
 * @param {string[]} [services]  the service handlers installed on the server (named in the
 *   Execution group's help)
 */
async function modeler(container, propertiesParent, services = []) {
  const [
    { default: Modeler },
    { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule },
    { default: LintModule },
    { default: TokenSimulationModule },
    { default: lintConfig },
    { default: ExecutionPropertiesModule },
    { default: TokenSimulationAccessModule },
  ] = await Promise.all([
    import('bpmn-js/lib/Modeler'),
    import('bpmn-js-properties-panel'),
    import('bpmn-js-bpmnlint'),
    import('bpmn-js-token-simulation'),
    import('../.bpmnlintrc'),
    import('./bpmn-properties/index.js'),
    import('./editing/token-simulation-access.js'),
  ]);
  const modules = [LintModule, TokenSimulationModule, TokenSimulationAccessModule];
  if (propertiesParent) {
    modules.push(BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, ExecutionPropertiesModule);
  }
  if (pageIsFrench()) {
    const [french, tokenSimulationLabels] = await Promise.all([
      import('./i18n/bpmn-fr.js'),
      import('./i18n/token-simulation-labels.js'),
    ]);
    modules.push(french.default, tokenSimulationLabels.default);
  }
  const modeler = new Modeler({
    container,
    additionalModules: modules,
    linting: { bpmnlint: lintConfig, active: true },
    studioExecution: { services },
    ...(propertiesParent ? { propertiesPanel: { parent: propertiesParent, layout: PANEL_LAYOUT } } : {}),
  });
  modeler.on('import.parse.complete', ({ definitions }) => {
    if (definitions) linkSequenceFlows(definitions);
  });
  return modeler;
}

/**
 * Give flow nodes the `incoming`/`outgoing` references their sequence flows imply. BPMN makes
 * them optional and our models leave them out, but bpmnlint's rules (no-disconnected,
 * no-implicit-start/end) and bpmn-js's modeling read them; saving writes them out.
 */
export function linkSequenceFlows(definitions) {
  const visit = (container) => {
    for (const element of container.flowElements || []) {
      if (element.$instanceOf('bpmn:SequenceFlow')) {
        link(element.sourceRef, 'outgoing', element);
        link(element.targetRef, 'incoming', element);
      }
      visit(element);
    }
  };
  for (const root of definitions.rootElements || []) {
    visit(root);
  }
}

function link(node, property, flow) {
  if (!node) return;
  const flows = node.get(property);
  if (!flows.includes(flow)) flows.push(flow);
}
