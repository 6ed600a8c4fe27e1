// The sentry of an entry or exit criterion: its if-part condition and the standard event each
// of its on-parts listens to (an on-part's source is drawn: connect it on the diagram).

import { group, h, selectField, textField } from '../dom.js';
import { expression } from '../check.js';
import { t } from '../i18n.js';

function ifPartChanges(ctx, sentry, text) {
  const ifPart = sentry.ifPart;
  if (!text) return ifPart ? [[sentry, { ifPart: undefined }]] : [];
  if (ifPart) return ctx.expressionChanges(ifPart, 'condition', text);
  const created = ctx.create('cmmn:IfPart', {}, sentry);
  created.condition = ctx.plain('cmmn:Expression', { body: text }, created);
  return [[sentry, { ifPart: created }]];
}

const PLAN_ITEM_EVENTS = [
  'create', 'enable', 'disable', 'reenable', 'manualStart', 'start', 'complete', 'terminate',
  'exit', 'fault', 'suspend', 'resume', 'parentSuspend', 'parentResume', 'occur', 'close',
]; // prettier-ignore
const CASE_FILE_EVENTS = [
  'create', 'update', 'replace', 'delete', 'addChild', 'removeChild', 'addReference', 'removeReference',
]; // prettier-ignore

/** The standard event of an on-part (or a start trigger), among those of its source's kind. */
export function onPartEvent(ctx, part, key) {
  const source = part.sourceRef;
  const onFile = part.$instanceOf('cmmn:CaseFileItemOnPart') || part.$instanceOf('cmmn:CaseFileItemStartTrigger');
  const events = onFile ? CASE_FILE_EVENTS : PLAN_ITEM_EVENTS;
  const current = part.standardEvent || '';
  const options = (events.includes(current) ? events : [current, ...events]).map((e) => ({ value: e, label: e }));
  return selectField({
    key,
    label: t('{source}: event', { source: source?.name || source?.id || '?' }),
    value: current,
    options,
    onChange: (standardEvent) => ctx.edit([[part, { standardEvent }, ctx.shapeOf(part) || ctx.element]]),
  });
}

function onPartFields(ctx, sentry) {
  const parts = sentry.onParts || [];
  if (!parts.length) return [h('p', { class: 'cs-hint' }, t('No on-part.'))];
  return parts.map((part, index) => onPartEvent(ctx, part, `on-part-${index}`));
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
      check: expression(),
      onCommit: (text) => ctx.edit(ifPartChanges(ctx, sentry, text.trim())),
    }),
    h('h4', {}, t('On-parts')),
    onPartFields(ctx, sentry),
  );
}

/** A selected on-part connection: its standard event. */
export function onPartGroup(ctx, ui) {
  if (!ctx.is('cmmn:OnPart')) return null;
  return group({ key: 'on-part', title: t('On-part'), folded: ui.folded }, onPartEvent(ctx, ctx.bo, 'on-part'));
}
