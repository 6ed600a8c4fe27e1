// Small helpers the testing area's pages share: their translated messages, JSON calls to the
// REST API (with the page's CSRF token) and errors in words.

/** The page's messages (a `<script type="application/json" id="page-strings">` block). */
export function messages(id = 'page-strings') {
  const strings = JSON.parse(document.getElementById(id)?.textContent || '{}');
  /** A message with its {placeholders} filled in. */
  return function say(key, values = {}) {
    const text = strings[key] || key;
    return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ''));
  };
}

/** JSON embedded in the page by its template. */
export function embedded(id, fallback = null) {
  const element = document.getElementById(id);
  return element ? JSON.parse(element.textContent || 'null') : fallback;
}

/** An API error: the server's message in words, its status and code. */
export class ApiFailure extends Error {
  constructor(message, status, code, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/**
 * Call the API and answer its JSON; throws ApiFailure with the server's message.
 *
 * @param {string} url
 * @param {{method?: string, body?: any, csrf?: string}} [options]
 */
export async function callApi(url, { method = 'GET', body, csrf } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (csrf) headers['X-CSRFToken'] = csrf;
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiFailure('the server cannot be reached', 0, 'network');
  }
  const text = await response.text();
  let answer = null;
  try {
    answer = text ? JSON.parse(text) : null;
  } catch {
    answer = null;
  }
  if (!response.ok) {
    const error = answer?.error;
    const message = error?.message || `${response.status} ${response.statusText}`;
    throw new ApiFailure(message, response.status, error?.code, error?.details);
  }
  return answer;
}

/** A file of a project version, as text. */
export async function projectFile(project, version, path) {
  const url = `/api/v1/projects/${project}/versions/${version}/files/${path
    .split('/')
    .map(encodeURIComponent)
    .join('/')}`;
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try {
      message = (await response.json()).error.message;
    } catch {
      // not a JSON error: keep the status line
    }
    throw new ApiFailure(message, response.status);
  }
  return response.text();
}

/** Set a status line's text; errors are announced as alerts. */
export function show(element, text, { error = false } = {}) {
  if (!element) return;
  element.textContent = text;
  element.classList.toggle('error', error);
  element.setAttribute('role', error ? 'alert' : 'status');
}

/** Where a JSON.parse error happened, in words (line and column when the engine tells). */
export function jsonProblem(text, error) {
  const match = /position (\d+)/.exec(error.message);
  if (!match || /line \d+/.test(error.message)) return error.message;
  const position = Number(match[1]);
  const before = text.slice(0, position).split('\n');
  return `${error.message} (line ${before.length}, column ${before[before.length - 1].length + 1})`;
}
