// The App HTTP API: one fetch helper that signs requests with the session's token (fresh:
// refreshed first when it is about to end) and turns error answers into ApiError, and the shape
// of a message as the API gives it. The API is where config.json says (chat-local: this origin;
// a deployed stack: its API Gateway URL).

import { state } from './state.js';
import { up } from './hooks.js'; // signOut, in session.js, which sits above
import { canRefresh, freshToken, refresh } from './identity.js';

export class ApiError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    super(error.message || (body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.code = error.code;
    this.until = error.until;
    this.reason = error.reason;
  }
}

export async function api(method, path, body, { retried = false } = {}) {
  const headers = {};
  if (state.session) headers.Authorization = `Bearer ${await freshToken()}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const base = state.config ? state.config.apiBase : '';
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    // The token is the only credential: no cookies go to the API.
    credentials: 'omit',
  });
  let data = null;
  if (response.status !== 204) {
    try { data = await response.json(); } catch { data = null; }
  }
  if (response.status === 401 && state.session) {
    // Refused although fresh by this browser's clock (its clock runs late, or the key rotated):
    // one refresh and one more try, then the sign-in is over.
    if (!retried && canRefresh()) {
      const refreshed = await refresh().then(() => true, () => false);
      if (refreshed) return api(method, path, body, { retried: true });
    }
    if (state.session) up.signOut('Your sign-in has expired: sign in again.');
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

// Worth trying again later: the server is down or busy, or the network is.
export const transient = (e) => !(e instanceof ApiError) || e.status >= 500 || e.status === 429;

// A message as the App API gives it (history, the held queue) → as the page draws it.
export function fromView(view) {
  const attributes = (view.sender && view.sender.attributes) || {};
  return {
    id: view.id,
    userId: view.sender.userId,
    displayName: attributes.displayName || view.sender.userId,
    role: attributes.role,
    content: view.content,
    sendTime: view.sendTime,
  };
}
