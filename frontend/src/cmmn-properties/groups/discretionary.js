// A discretionary item: who may plan it (authorized roles) and when (the applicability rules of
// its planning table it refers to, each with its condition).

import { checkField, group, h, oneLine, textField } from '../dom.js';
import { expression } from '../check.js';
import { t } from '../i18n.js';
import { roleChecks, roleIds } from '../roles.js';

function ruleFields(ctx, item, table) {
  const rules = table?.applicabilityRules || [];
  const refs = item.applicabilityRuleRefs || [];
  const fields = rules.map((rule) => {
    const name = rule.name || rule.id;
    const applies = refs.includes(rule);
    return h(
      'div',
      { class: 'cs-rule' },
      checkField({
        key: `applies-${rule.id}`,
        label: name,
        checked: applies,
        onChange: (checked) => {
          const next = checked ? [...refs, rule] : refs.filter((r) => r !== rule);
          ctx.edit([[item, { applicabilityRuleRefs: next }]]);
        },
      }),
      textField({
        key: `applicability-${rule.id}`,
        label: t('Condition of {rule}', { rule: name }),
        value: ctx.text(rule.condition),
        code: true,
        hint: t('No condition: the rule is true.'),
        check: expression({ oneLine: true }),
        onCommit: (text) => ctx.edit(ctx.expressionChanges(rule, 'condition', text)),
      }),
    );
  });
  if (!rules.length) fields.push(h('p', { class: 'cs-hint' }, t('No applicability rule: always applicable.')));
  if (table) {
    fields.push(
      textField({
        key: 'applicability-new',
        label: t('New applicability rule'),
        value: '',
        placeholder: t('Name of the new rule'),
        hint: t('Enter adds the rule to the planning table and applies it here.'),
        check: oneLine(200),
        onCommit: (name) => {
          if (!name) return;
          const rule = ctx.create('cmmn:ApplicabilityRule', { name }, table);
          ctx.edit([
            [table, { applicabilityRules: [...rules, rule] }],
            [item, { applicabilityRuleRefs: [...refs, rule] }],
          ]);
        },
      }),
    );
  }
  return fields;
}

export function applicabilityGroup(ctx, ui) {
  if (!ctx.is('cmmn:DiscretionaryItem')) return null;
  const item = ctx.bo;
  const table = item.$parent?.$instanceOf('cmmn:PlanningTable') ? item.$parent : null;
  return group(
    { key: 'discretionary', title: t('Planning'), folded: ui.folded },
    roleChecks(ctx, 'planning-role', roleIds(item.authorizedRoleRefs), (ids) =>
      ctx.edit([[item, { authorizedRoleRefs: ctx.roles().filter((role) => ids.includes(role.id)) }]]),
    ),
    h('h4', {}, t('Applicability rules')),
    ruleFields(ctx, item, table),
  );
}
