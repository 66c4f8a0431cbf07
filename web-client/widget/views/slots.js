// Fetches and normalises free appointment slots (GET /api/v1/offices/{id}/slots) for the views.
import { api } from '../api.js';

function isoDate(d) {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

// Why: slots reach us from REST and inside Janus error events; accept both shapes in one place.
export function normaliseSlots(raw) {
  const list = Array.isArray(raw) ? raw : (raw && Array.isArray(raw.slots) ? raw.slots : []);
  return list.map((s) => {
    const start = typeof s === 'string' ? s : s && s.start;
    const d = new Date(typeof start === 'number' ? start * 1000 : start);
    if (Number.isNaN(d.getTime())) return null;
    const free = s && (s.free ?? s.remaining ?? s.available ?? s.capacity);
    return { start: d.toISOString(), end: s && s.end ? s.end : null, free: Number.isInteger(free) ? free : null };
  }).filter((s) => s && (s.free === null || s.free > 0));
}

// from: a Date, or null for "from today" in the office's own time zone; days null = server default.
export async function fetchSlots(base, office, from, days) {
  return normaliseSlots(await api.slots(base, office, from ? isoDate(from) : null, days));
}

// The next week's free slots, from the office's local today.
export async function firstSlots(base, office) {
  return fetchSlots(base, office, null, null);
}

export { isoDate };
