// Light checks of what users type, before it reaches the model: the server's validation (shown
// live by the editor page) has the last word on expressions.

import { t } from './i18n.js';

const PAIRS = { ')': '(', ']': '[', '}': '{' };

/** Whether brackets pair up and quotes close, outside string literals. */
function balanced(text) {
  const open = [];
  let quote = null;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i += 1;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if ('([{'.includes(c)) open.push(c);
    else if (c in PAIRS && open.pop() !== PAIRS[c]) return false;
  }
  return !quote && !open.length;
}

/** An expression (a condition, a transformation, a timer or due date): `max` characters. */
export function expression({ oneLine = false, max = 2000 } = {}) {
  return (value) => {
    if (value.length > max || (oneLine && /[\r\n]/.test(value))) {
      return t('This value has line breaks or is too long.');
    }
    if (!balanced(value)) return t('A bracket or a quote is not closed.');
    return null;
  };
}
