// REST client for the queue service's public API (offices, slots, appointments, clerk login).

export class ApiError extends Error {
  // details: the error object of the answer (field, max_chars, slots, … when the server sends them)
  constructor(status, code, message, retryAfter, details) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
    this.details = details || {};
  }
}

// Why: every error answer has the same {"error":{code,message}} shape; turn it into one exception type.
// Exported for the console's administration pages (their routes are not the widget's business).
export async function request(base, path, { method = 'GET', body, token } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  let res;
  try {
    res = await fetch(new URL(path, base), {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit', cache: 'no-store'
    });
  } catch (e) {
    throw new ApiError(0, 'network', e.message);
  }
  if (res.status === 204) return null;
  let data = null;
  try { data = await res.json(); } catch { data = null; }
  if (!res.ok) {
    const err = (data && data.error) || {};
    throw new ApiError(res.status, err.code || 'internal', err.message, Number(res.headers.get('Retry-After')) || 0, err);
  }
  return data;
}

export function apiBase(attr) {
  return new URL(attr || '/', document.baseURI).href;
}

// A Janus WebSocket URL from the service's `janus_url` (or a `janus` override): a path is on the
// API's own origin, as ws:// or, when the API is on HTTPS, wss://; an absolute ws(s):// URL stays.
export function resolveJanusUrl(value, base) {
  const u = new URL(value, base);
  if (u.protocol === 'http:') u.protocol = 'ws:';
  else if (u.protocol === 'https:') u.protocol = 'wss:';
  if (u.protocol !== 'ws:' && u.protocol !== 'wss:') throw new ApiError(0, 'internal', 'janus_url is no WebSocket URL');
  return u.href;
}

// One successful GET /api/v1/config per API origin and page; a failed one is asked again next time.
const configs = new Map();
function clientConfig(base) {
  if (!configs.has(base)) {
    const found = request(base, 'api/v1/config');
    found.catch(() => configs.delete(base));
    configs.set(base, found);
  }
  return configs.get(base);
}

function janusUrl(base) {
  return clientConfig(base).then((d) => resolveJanusUrl(String((d && d.janus_url) || '/janus'), base));
}

export const api = {
  offices: (base) => request(base, 'api/v1/offices').then((d) => d.offices || []),
  // Where Janus is: the override (attribute or ?janus=) or what the service says (GET /api/v1/config).
  janusUrl: (base, override) => (override ? Promise.resolve().then(() => resolveJanusUrl(override, base)) : janusUrl(base)),
  // from: YYYY-MM-DD or null (the office's local today); days: 1..31 or null (the server's 7)
  slots: (base, office, from, days) => {
    const q = [from ? `from=${from}` : null, days ? `days=${days}` : null].filter(Boolean).join('&');
    return request(base, `api/v1/offices/${encodeURIComponent(office)}/slots${q ? `?${q}` : ''}`);
  },
  book: (base, body) => request(base, 'api/v1/appointments', { method: 'POST', body }),
  // Callback by e-mail (docs/rest-api.md): whether and how the service offers it, or null.
  callbackConfig: (base) => clientConfig(base).then((d) => (d && d.callback) || null).catch(() => null),
  // email '' removes the address; both are authorised by the ticket's resume token
  callback: (base, resumeToken, email) =>
    request(base, 'api/v1/tickets/callback', { method: 'POST', body: { resume_token: resumeToken, email } }),
  snooze: (base, resumeToken) =>
    request(base, 'api/v1/tickets/snooze', { method: 'POST', body: { resume_token: resumeToken } }),
  // One-time permit for one new ticket, right before `join` (docs/rest-api.md "Join permits").
  joinPermit: (base, office) =>
    request(base, `api/v1/offices/${encodeURIComponent(office)}/join-permit`, { method: 'POST' }).then((d) => d.permit),
  appointment: (base, code) => request(base, `api/v1/appointments/${encodeURIComponent(code)}`),
  cancelAppointment: (base, code) =>
    request(base, `api/v1/appointments/${encodeURIComponent(code)}`, { method: 'DELETE' }),
  icsUrl: (base, code) => new URL(`api/v1/appointments/${encodeURIComponent(code)}.ics`, base).href,
  // STUN/TURN for the browser with fresh TURN credentials; [] when none are configured or on error.
  iceServers: (base) => request(base, 'api/v1/ice-servers')
    .then((d) => (d && Array.isArray(d.ice_servers) ? d.ice_servers : []))
    .catch(() => []),
  login: (base, login, password) =>
    request(base, 'api/v1/clerk/login', { method: 'POST', body: { login, password } }),
  logout: (base, token) => request(base, 'api/v1/clerk/logout', { method: 'POST', token }),
  me: (base, token) => request(base, 'api/v1/clerk/me', { token })
};
