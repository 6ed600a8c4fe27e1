// The sentry of an entry or exit criterion: its if-part condition (editable) and its on-parts.

import { group, h, textField } from '../dom.js';
import { t } from '../i18n.js';

function ifPartChanges(ctx, sentry, text) {
  const ifPart = sentry.ifPart;
  if (!text) return ifPart ? [[sentry, { ifPart: undefined }]] : [];
  if (ifPart) return ctx.expressionChanges(ifPart, 'condition', text);
  const created = ctx.create('cmmn:IfPart', {}, sentry);
  created.condition = ctx.plain('cmmn:Expression', { body: text }, created);
  return [[sentry, { ifPart: created }]];
}

function onPartList(sentry) {
  const parts = sentry.onParts || [];
  if (!parts.length) return h('p', { class: 'cs-hint' }, t('No on-part.'));
  return h(
    'ul',
    { class: 'cs-list', 'aria-label': t('On-parts') },
    parts.map((part) => {
      const source = part.sourceRef;
      return h(
        'li',
        {},
        h('span', {}, source?.name || source?.id || '?'),
        ' · ',
        h('code', {}, part.standardEvent || '?'),
      );
    }),
  );
}

export function sentryGroup(ctx, ui) {
  if (!ctx.is('cmmn:Criterion')) return null;
  const sentry = ctx.bo.sentryRef;
  if (!sentry) return null;
  return group(
    { key: 'sentry', title: `${t('Sentry')} · ${sentry.id}`, folded: ui.folded },
    textField({
      key: 'if-part',
      label: t('If-part condition'),
      value: ctx.text(sentry.ifPart?.condition),
      multiline: true,
      code: true,
      placeholder: 'amount > 1000',
      hint: t('Empty: the sentry waits for its on-parts only.'),
      onCommit: (text) => ctx.edit(ifPartChanges(ctx, sentry, text.trim())),
    }),
    h('h4', {}, t('On-parts')),
    onPartList(sentry),
  );
}
