// Name and documentation of any element (its id, read-only, heads the panel).

import { group, oneLine, textField } from '../dom.js';
import { t } from '../i18n.js';

export function generalGroup(ctx, ui) {
  const { bo } = ctx;
  const fields = [];
  if (bo.$descriptor.propertiesByName.name) {
    fields.push(
      textField({
        key: 'name',
        label: t('Name'),
        value: bo.name,
        check: oneLine(),
        onCommit: (name) => ctx.edit([[bo, { name: name || undefined }]]),
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
