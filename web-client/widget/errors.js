// Our own words for every error code of the protocol (widget and console). The server's `message`
// is English for logs and is never shown: each code has a text `err.<code>` in every catalogue,
// a view may have a sharper one (`<context>.err.<code>`, e.g. `book.err.full`), and texts about
// a field name it ("Ihr Name ist zu lang: höchstens 80 Zeichen").
import { ERRORS, LIMITS } from './protocol.js';

// Codes the client makes up for itself: connection trouble.
const CLIENT_CODES = new Set(['network', 'timeout']);

// The limit that applies to a field of a request or form, to say "at most N characters" when the
// server did not send max_chars.
const FIELD_LIMITS = {
  name: 'ticket_name', concern: 'concern', contact: 'contact', appointment: 'appointment_code',
  code: 'appointment_code', text: 'broadcast_text', chat: 'chat_text'
};

export function fieldLimit(field) {
  return LIMITS[FIELD_LIMITS[field]];
}

/** The code of an error from the Janus glue, the REST client or checkText, or 'generic'. */
export function errorCode(err) {
  const code = err && err.code;
  return typeof code === 'string' && (ERRORS[code] || CLIENT_CODES.has(code)) ? code : 'generic';
}

// What the server (or checkText) said about the field: name, limit, seconds to wait.
function details(err) {
  const d = (err && (err.data || err.details)) || {};
  return {
    field: typeof d.field === 'string' ? d.field : err && err.field,
    max: Number.isInteger(d.max_chars) ? d.max_chars : err && (err.max ?? null),
    retry: Number.isInteger(d.retry_after_s) ? d.retry_after_s : err && err.retryAfter
  };
}

/**
 * The text to show for an error. context: a view's key prefix ('book', 'checkin', 'console')
 * whose `<context>.err.<code>` wins over `err.<code>`.
 */
export function errorText(t, err, context) {
  const code = errorCode(err);
  const { field, max, retry } = details(err);
  if (code === 'too_large' || code === 'invalid_text') {
    const limit = max || fieldLimit(field);
    const fieldKey = t.has(`field.${field}`) ? `field.${field}` : 'field.other';
    const key = code === 'too_large' && !limit ? 'field.tooLargeNoMax' : `err.${code}`;
    return t(key, { field: t(fieldKey), max: limit, n: limit });
  }
  const s = retry > 0 ? retry : 60;
  const m = Math.max(1, Math.ceil(s / 60));
  // n picks the plural form (i18n/index.js): err.rate_limited counts seconds, the join's
  // sharper text (the only context text of rate_limited) minutes
  if (context && t.has(`${context}.err.${code}`)) return t(`${context}.err.${code}`, { s, m, n: m });
  return t(`err.${code}`, { s, m, n: s });
}

/** The error object checkText's verdict stands for, for errorText (field: the request's field). */
export function textError(verdict, field) {
  return { code: verdict.code, field, max: verdict.max ?? null };
}
