// A case file item: name (in General), multiplicity, definition and its JSON Schema (structureRef).

import { group, oneLine, selectField, textField } from '../dom.js';
import { t } from '../i18n.js';

const MULTIPLICITIES = ['ExactlyOne', 'ZeroOrOne', 'ZeroOrMore', 'OneOrMore', 'Unspecified', 'Unknown'];

export function caseFileGroup(ctx, ui) {
  if (!ctx.is('cmmn:CaseFileItem')) return null;
  const item = ctx.bo;
  const definitions = ctx.definitions.caseFileItemDefinitions || [];
  const definition = item.definitionRef;
  const fields = [
    selectField({
      key: 'multiplicity',
      label: t('Multiplicity'),
      value: item.multiplicity || 'Unspecified',
      options: MULTIPLICITIES.map((value) => ({ value, label: value })),
      onChange: (multiplicity) => ctx.edit([[item, { multiplicity }]]),
    }),
    selectField({
      key: 'case-file-definition',
      label: t('Definition'),
      value: definition?.id || '',
      options: [
        { value: '', label: '—' },
        ...definitions.map((d) => ({ value: d.id, label: d.name || d.id })),
      ],
      onChange: (id) => ctx.edit([[item, { definitionRef: definitions.find((d) => d.id === id) }]]),
    }),
  ];
  if (definition) {
    fields.push(
      textField({
        key: 'structure-ref',
        label: t('JSON Schema (structureRef)'),
        value: definition.structureRef,
        code: true,
        placeholder: 'invoice.schema.json',
        hint: t('Shared by every item of this definition.'),
        check: oneLine(500),
        onCommit: (structureRef) => ctx.edit([[definition, { structureRef: structureRef || undefined }]]),
      }),
    );
  }
  return group({ key: 'case-file', title: t('Case file item'), folded: ui.folded }, fields);
}
