// A page's messages, in the page's language: the template writes them as JSON into
// <script type="application/json" id="page-strings">; {name} placeholders are filled in here.

const strings = JSON.parse(document.getElementById('page-strings')?.textContent || '{}');

/** The message `key` with its {placeholders} filled in from `values`. */
export function say(key, values = {}) {
  const text = strings[key] || key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ''));
}
