// What the groups edit: cmmn-js's moddle elements, changed through its command stack so that undo
// and redo cover every property edit.
//
// One command of ours, `cs.properties.update`, runs a list of cmmn-js `element.updateProperties`
// commands on any moddle elements (nested ones too: rules, conditions, if-parts) as one undoable
// step; the diagram shape is passed along so that cmmn-js redraws it (markers, labels).

const COMMAND = 'cs.properties.update';
const VENDOR_NAMESPACE = 'http://flowable.org/cmmn';

/** Register our command on a cmmn-js modeler (once). */
export function registerCommands(diagram) {
  const commandStack = diagram.get('commandStack');
  const modeling = diagram.get('modeling');
  commandStack.register(COMMAND, {
    preExecute({ element, changes }) {
      for (const [target, properties, shape = element] of changes) {
        if (target === shape.businessObject) modeling.updateProperties(shape, properties);
        else modeling.updateProperties(target, properties, shape);
      }
    },
    execute: () => [],
    revert: () => [],
  });
}

/** The element a moddle element belongs to, of `type` (e.g. "cmmn:Case"), walking up. */
export function ancestor(bo, type) {
  let node = bo;
  while (node && !node.$instanceOf(type)) node = node.$parent;
  return node || null;
}

/**
 * The editing context of the selected diagram element.
 *
 * @param {Object} diagram  the cmmn-js modeler
 * @param {Object} element  the selected shape or connection
 * @param {(error: Error) => void} fail  told when a change is refused (nothing changed then)
 */
export function context(diagram, element, fail) {
  const moddle = diagram.get('moddle');
  const cmmnFactory = diagram.get('cmmnFactory');
  const commandStack = diagram.get('commandStack');
  const registry = diagram.get('elementRegistry');
  const bo = element.businessObject;
  const definitions = diagram.getDefinitions();
  const ctx = {
    element,
    bo,
    definitions,
    /** The plan item definition of a plan item or discretionary item. */
    definition: bo.definitionRef || null,
    caseElement: ancestor(bo, 'cmmn:Case') || definitions.cases?.[0] || null,

    is: (type) => bo.$instanceOf(type),

    /** The diagram element (shape or connection) drawing a moddle element, if any. */
    shapeOf: (target) => registry.get(target.id) || null,

    /** How many items of the diagram use a plan item definition. */
    usesOf: (definition) => registry.filter((e) => e.businessObject?.definitionRef === definition).length,

    /**
     * Change properties of moddle elements, as one undoable step: [[target, {name: value}], ...];
     * a third entry names the diagram element to redraw (the selected one by default).
     */
    edit(changes) {
      const effective = changes.filter(([target, properties]) =>
        Object.entries(properties).some(([name, value]) => target.get(name) !== value),
      );
      if (!effective.length) return;
      try {
        commandStack.execute(COMMAND, { element, changes: effective });
      } catch (error) {
        fail(error);
      }
    },

    /** A new moddle element with an id (rules, roles, processes...). */
    create(type, attributes = {}, parent = null) {
      const created = cmmnFactory.create(type, attributes);
      if (parent) created.$parent = parent;
      return created;
    },

    /** A new moddle element without an id (an expression, a documentation). */
    plain(type, attributes, parent) {
      const created = moddle.create(type, attributes);
      created.$parent = parent;
      return created;
    },

    /** The changes that set `owner[property]` (an expression) to `text`; empty text removes it. */
    expressionChanges(owner, property, text, type = 'cmmn:Expression') {
      const current = owner.get(property);
      if (!text) return current ? [[owner, { [property]: undefined }]] : [];
      if (current) return [[current, { body: text }]];
      return [[owner, { [property]: ctx.plain(type, { body: text }, owner) }]];
    },

    /** The text of an expression element (its body), or "". */
    text: (expression) => (expression?.body || '').trim(),

    /** The roles of the case ([] when it has none). */
    roles: () => ctx.caseElement?.caseRoles?.role || [],

    /** The changes that add a case role named `name`; returns [changes, role]. */
    addRole(name) {
      const caseElement = ctx.caseElement;
      let caseRoles = caseElement.caseRoles;
      const changes = [];
      if (!caseRoles) {
        caseRoles = ctx.create('cmmn:CaseRoles', {}, caseElement);
        changes.push([caseElement, { caseRoles }]);
      }
      const role = ctx.create('cmmn:Role', { name }, caseRoles);
      changes.push([caseRoles, { role: [...(caseRoles.role || []), role] }]);
      return [changes, role];
    },

    /** The vendor attribute `local` (flowable:dueDate...) of `target`, whatever its prefix. */
    vendorKey(target, local) {
      const prefixes = Object.entries(definitions.$attrs || {})
        .filter(([name, uri]) => name.startsWith('xmlns:') && uri === VENDOR_NAMESPACE)
        .map(([name]) => name.slice(6));
      const present = Object.keys(target.$attrs || {}).find((name) => name.endsWith(`:${local}`));
      return present || `${prefixes[0] || 'flowable'}:${local}`;
    },

    /** The changes that declare the vendor namespace on the definitions if it is not yet. */
    vendorNamespaceChanges(key) {
      const prefix = key.split(':')[0];
      const declared = definitions.$attrs?.[`xmlns:${prefix}`];
      return declared ? [] : [[definitions, { [`xmlns:${prefix}`]: VENDOR_NAMESPACE }]];
    },
  };
  return ctx;
}
