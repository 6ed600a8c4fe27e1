// Item control rules (required, repetition, manual activation) of a plan or discretionary item,
// and the default control of its definition. A rule present without a condition is true; an
// absent rule is false. The item's own rule wins over its definition's default one.

import { checkField, group, h, textField } from '../dom.js';
import { expression } from '../check.js';
import { t } from '../i18n.js';

const RULES = [
  ['requiredRule', 'cmmn:RequiredRule', 'Required'],
  ['repetitionRule', 'cmmn:RepetitionRule', 'Repetition'],
  ['manualActivationRule', 'cmmn:ManualActivationRule', 'Manual activation'],
];

/** The rules an item of this definition may have (CMMN 1.1, 5.4.10): none for event listeners. */
function rulesFor(definition) {
  if (!definition || definition.$instanceOf('cmmn:EventListener')) return [];
  if (definition.$instanceOf('cmmn:Milestone')) {
    return RULES.filter(([name]) => name !== 'manualActivationRule');
  }
  return RULES;
}

function ruleFields(ctx, owner, controlProperty, keyPrefix, inherited) {
  const control = owner.get(controlProperty);
  return rulesFor(ctx.definition || owner).map(([property, type, name]) => {
    const label = inherited === null ? `${name} by default` : name;
    const rule = control?.get(property);
    const key = `${keyPrefix}-${property}`;
    const toggle = (present) => {
      if (present) {
        const changes = [];
        let target = control;
        if (!target) {
          target = ctx.create('cmmn:PlanItemControl', {}, owner);
          changes.push([owner, { [controlProperty]: target }]);
        }
        changes.push([target, { [property]: ctx.create(type, {}, target) }]);
        ctx.edit(changes);
      } else {
        const others = RULES.some(([name]) => name !== property && control.get(name));
        // The last rule takes its (now empty) control along.
        ctx.edit(others ? [[control, { [property]: undefined }]] : [[owner, { [controlProperty]: undefined }]]);
      }
    };
    const fallback = !rule && inherited?.get(property);
    const inheritedText = fallback && (ctx.text(fallback.condition) || t('always true'));
    const hint = fallback ? `${t('Inherited from the default control of the definition')}: ${inheritedText}` : null;
    const fields = [checkField({ key, label: t(label), checked: Boolean(rule), onChange: toggle, hint })];
    if (rule) {
      fields.push(
        textField({
          key: `${key}-condition`,
          label: t('Condition of {rule}', { rule: t(label).toLowerCase() }),
          value: ctx.text(rule.condition),
          code: true,
          placeholder: 'amount > 1000',
          hint: t('No condition: the rule is true.'),
          check: expression({ oneLine: true }),
          onCommit: (text) => ctx.edit(ctx.expressionChanges(rule, 'condition', text)),
        }),
      );
    }
    return h('div', { class: 'cs-rule' }, fields);
  });
}

export function itemControlGroup(ctx, ui) {
  if (!ctx.is('cmmn:PlanItem') && !ctx.is('cmmn:DiscretionaryItem')) return null;
  const fields = ruleFields(ctx, ctx.bo, 'itemControl', 'item', ctx.definition?.defaultControl);
  if (!fields.length) return null;
  return group({ key: 'item-control', title: t('Item control'), folded: ui.folded }, fields);
}

export function defaultControlGroup(ctx, ui) {
  const { definition } = ctx;
  if (!definition || !definition.$instanceOf('cmmn:PlanItemDefinition')) return null;
  const fields = ruleFields(ctx, definition, 'defaultControl', 'default', null);
  if (!fields.length) return null;
  const title = t('Default control (all items of this definition)');
  return group({ key: 'default-control', title, folded: ui.folded }, fields);
}
