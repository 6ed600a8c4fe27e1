// Calls of the studio's REST API from a page logged in by its session: JSON in and out, the CSRF
// token on every write (the page puts it in <meta name="csrf-token">), errors as ApiProblem.

/** An error answer of the API: {status, code, message, details}. */
export class ApiProblem extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]')?.content || '';
}

/**
 * `method` `url` with an optional JSON body; the answer's JSON (ApiProblem when refused, an
 * Error naming the network when the server cannot be reached).
 *
 * @param {string} url
 * @param {{method?: string, json?: any, signal?: AbortSignal, offline?: string}} [options]
 */
export async function call(url, { method = 'GET', json, signal, offline = 'offline' } = {}) {
  const headers = { Accept: 'application/json' };
  if (json !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') headers['X-CSRFToken'] = csrfToken();
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: json === undefined ? undefined : JSON.stringify(json),
      credentials: 'same-origin',
      signal,
    });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new Error(offline);
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    // no JSON body
  }
  if (!response.ok) {
    const problem = body?.error || {};
    throw new ApiProblem(
      response.status,
      problem.code || 'http',
      problem.message || `${response.status} ${response.statusText}`,
      problem.details,
    );
  }
  return body;
}

/** A text resource (a model file), or an Error in words. */
export async function fetchText(url) {
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try {
      message = (await response.json()).error.message;
    } catch {
      // not a JSON error: keep the status line
    }
    throw new Error(message);
  }
  return response.text();
}
