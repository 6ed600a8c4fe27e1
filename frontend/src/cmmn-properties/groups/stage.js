// A stage's or the case plan model's autoComplete.

import { checkField, group } from '../dom.js';
import { t } from '../i18n.js';

export function stageGroup(ctx, ui) {
  const stage = ctx.is('cmmn:Stage') ? ctx.bo : ctx.definition;
  if (!stage?.$instanceOf('cmmn:Stage')) return null;
  return group(
    { key: 'stage', title: t('Stage'), folded: ui.folded },
    checkField({
      key: 'auto-complete',
      label: t('Complete automatically'),
      checked: Boolean(stage.autoComplete),
      hint: t('Completes once its required items are done.'),
      onChange: (autoComplete) => ctx.edit([[stage, { autoComplete }]]),
    }),
  );
}
