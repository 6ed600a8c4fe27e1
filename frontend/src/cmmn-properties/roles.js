// A checkbox per case role: who may raise a user event or plan a discretionary item.

import { checkField, h } from './dom.js';
import { t } from './i18n.js';

/** The role ids of an `authorizedRoleRefs` value: Role objects, ids, or one space-separated string. */
export function roleIds(value) {
  const list = typeof value === 'string' ? value.split(/\s+/) : value || [];
  return list.map((entry) => (typeof entry === 'string' ? entry : entry?.id)).filter(Boolean);
}

/** A labelled group of role checkboxes; `onChange(ids)` gets the new selection. */
export function roleChecks(ctx, key, selected, onChange) {
  const roles = ctx.roles();
  const chosen = new Set(selected);
  if (!roles.length) return h('p', { class: 'cs-hint' }, t('The case has no roles.'));
  return h(
    'fieldset',
    { class: 'cs-roles' },
    h('legend', {}, t('Authorized roles')),
    roles.map((role) =>
      checkField({
        key: `${key}-${role.id}`,
        label: role.name || role.id,
        checked: chosen.has(role.id),
        onChange: (checked) => {
          const next = roles.filter((r) => (r === role ? checked : chosen.has(r.id))).map((r) => r.id);
          onChange(next);
        },
      }),
    ),
  );
}
