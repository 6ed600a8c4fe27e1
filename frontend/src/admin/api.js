// Calls to the studio's REST API from its pages: JSON in and out, the page's CSRF token sent
// with every change, refusals turned into an Error whose message is the server's words.

const statusRegion = () => document.getElementById('admin-status');

/** The CSRF token the page rendered (a data attribute of its status region). */
export function csrfToken() {
  return statusRegion()?.dataset.csrf || document.querySelector('[data-csrf]')?.dataset.csrf || '';
}

/** An error the server answered: `message` in words, `details` as sent (e.g. problems). */
export class ApiError extends Error {
  constructor(message, { status = 0, code = '', details = null } = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** Send `body` (JSON) to `url`; the answer's JSON, or an ApiError. */
export async function call(method, url, body, { offline = 'offline' } = {}) {
  const headers = { Accept: 'application/json', 'X-CSRFToken': csrfToken() };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(offline);
  }
  let answer = null;
  try {
    answer = await response.json();
  } catch {
    // not JSON: the status line speaks
  }
  if (!response.ok) {
    const error = answer?.error || {};
    throw new ApiError(error.message || `${response.status} ${response.statusText}`, {
      status: response.status,
      code: error.code || '',
      details: error.details ?? null,
    });
  }
  return answer;
}
