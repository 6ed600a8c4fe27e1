// A timer event listener's timer expression, and the event of its start trigger if it has one
// (without one, the timer starts when the listener becomes available).

import { expression } from '../check.js';
import { group, h, textField } from '../dom.js';
import { t } from '../i18n.js';
import { onPartEvent } from './sentry.js';

export function timerGroup(ctx, ui) {
  const timer = ctx.definition;
  if (!timer?.$instanceOf('cmmn:TimerEventListener')) return null;
  return group(
    { key: 'timer', title: t('Timer'), folded: ui.folded },
    textField({
      key: 'timer-expression',
      label: t('Timer expression'),
      value: ctx.text(timer.timerExpression),
      code: true,
      placeholder: 'P2D',
      hint: t('A duration (P2D), a date, a cycle (R3/PT1H) or an expression.'),
      check: expression({ oneLine: true }),
      onCommit: (text) => ctx.edit(ctx.expressionChanges(timer, 'timerExpression', text)),
    }),
    timer.timerStart && [h('h4', {}, t('Starts when')), onPartEvent(ctx, timer.timerStart, 'timer-start')],
  );
}
