// A user event listener's authorized roles (who may raise the event).
//
// cmmn-moddle declares this attribute without making it a reference: it holds the ids as one
// space-separated string, written back as is.

import { group } from '../dom.js';
import { t } from '../i18n.js';
import { roleChecks, roleIds } from '../roles.js';

export function userEventGroup(ctx, ui) {
  const listener = ctx.definition;
  if (!listener?.$instanceOf('cmmn:UserEventListener')) return null;
  return group(
    { key: 'user-event', title: t('User event'), folded: ui.folded },
    roleChecks(ctx, 'user-event-role', roleIds(listener.authorizedRoleRefs), (ids) =>
      ctx.edit([[listener, { authorizedRoleRefs: ids.length ? ids.join(' ') : undefined }]]),
    ),
  );
}
