// api.js - talks to the k2td serve HTTP API (JSON in and out; the session is
// the HttpOnly cookie set by /api/login). Every failure becomes an ApiError
// carrying the server's {"error", "field"}; a 401 also tells the app to show
// the login page.

// An error answer: status (0 when the server was not reached), message, and
// the JSON path of the bad field (or null).
export class ApiError extends Error {
  constructor(status, message, field = null, retryAfter = null) {
    super(message);
    this.status = status;
    this.field = field;
    this.retryAfter = retryAfter;
  }
}

let onUnauthorized = () => {};

// Sets the function called when a request answers 401 (not logged in).
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}

// Sends a request and returns the parsed JSON answer (null for 204).
// body: an object (sent as JSON), a Blob/File (sent raw), or undefined.
// Throws ApiError. opts.quiet401: do not call the unauthorized handler.
export async function request(method, path, body, opts = {}) {
  const init = { method, headers: { Accept: 'application/json' }, credentials: 'same-origin' };
  if (body instanceof Blob) {
    init.body = body;
    init.headers['Content-Type'] = body.type || 'application/octet-stream';
  } else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers['Content-Type'] = 'application/json';
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, 'The k2td service does not answer. Is it running?');
  }
  if (res.status === 204) return null;
  const text = await res.text();
  let doc = null;
  try {
    doc = text ? JSON.parse(text) : null;
  } catch (e) {
    doc = null;
  }
  if (res.ok) return doc;
  const message = (doc && doc.error) || `${res.status} ${res.statusText || 'error'}`;
  const err = new ApiError(res.status, message, (doc && doc.field) || null,
    res.headers.get('Retry-After'));
  if (res.status === 401 && !opts.quiet401) onUnauthorized();
  throw err;
}

export const get = (path, opts) => request('GET', path, undefined, opts);
export const post = (path, body, opts) => request('POST', path, body, opts);
export const put = (path, body) => request('PUT', path, body);
export const del = (path) => request('DELETE', path);
