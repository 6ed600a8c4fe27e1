// Name and documentation of any element (its id, read-only, heads the panel).

import { group, oneLine, textField } from '../dom.js';
import { t } from '../i18n.js';

/**
 * The element whose name the diagram shows, as cmmn-js's label does: the item's own name, else
 * (an unnamed plan item or discretionary item, e.g. one just drawn from the palette or imported
 * from Flowable) the name of its definition.
 */
function named(bo) {
  return !bo.name && bo.definitionRef ? bo.definitionRef : bo;
}

export function generalGroup(ctx, ui) {
  const { bo } = ctx;
  const fields = [];
  if (bo.$descriptor.propertiesByName.name) {
    const owner = named(bo);
    fields.push(
      textField({
        key: 'name',
        label: t('Name'),
        value: owner.name,
        check: oneLine(),
        // A definition other items use too keeps its name: the item gets its own, as cmmn-js does.
        onCommit: (name) => {
          const target = owner !== bo && ctx.usesOf(owner) > 1 ? bo : owner;
          ctx.edit([[target, { name: name || undefined }]]);
        },
      }),
    );
  }
  const documentation = bo.documentation?.[0];
  fields.push(
    textField({
      key: 'documentation',
      label: t('Documentation'),
      value: documentation?.text,
      multiline: true,
      rows: 2,
      onCommit: (text) => {
        if (documentation && text) ctx.edit([[documentation, { text }]]);
        else if (documentation) ctx.edit([[bo, { documentation: bo.documentation.slice(1) }]]);
        else if (text) ctx.edit([[bo, { documentation: [ctx.plain('cmmn:Documentation', { text }, bo)] }]]);
      },
    }),
  );
  return group({ key: 'general', title: t('General'), folded: ui.folded }, fields);
}
