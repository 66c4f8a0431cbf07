// Console panels built from the queue snapshot: waiting tickets per office (with waited time),
// today's appointments (with a no-show button), and the broadcast form.
import { h, uid } from '../widget/dom.js';
import { duration, clock, localized } from '../widget/format.js';
import { LIMITS } from '../widget/protocol.js';
import { textField } from '../widget/text-field.js';
import { errorText } from '../widget/errors.js';
import { citizenLangBadge, interpreterBadge } from './citizen-lang.js';

// The office's own count: the queue events list only the head of a long queue.
function waitingIn(o) {
  return Number.isInteger(o.waiting) ? o.waiting : (o.tickets || []).filter((tk) => !tk.state || tk.state === 'waiting').length;
}

export function countWaiting(offices) {
  return offices.reduce((n, o) => n + waitingIn(o), 0);
}

function officeName(t, state, id) {
  const o = state.allOffices.find((x) => x.id === id);
  return o ? localized(t, o.name) : id;
}

// Waited time = server's waited_s at the snapshot plus the time since we received it.
function waited(o, tk) {
  return (tk.waited_s || 0) + Math.max(0, (Date.now() - (o.receivedAt || Date.now())) / 1000);
}

// An appointment holder's "arrival" is the opening of the check-in window: show the slot instead.
function waitedCell(t, state, o, tk) {
  if (!tk.appointment && !(tk.priority > 0)) return duration(waited(o, tk));
  const appt = (o.appointments || []).find((a) => a.ticket === tk.id);
  return t('console.appointmentTicket', { time: appt ? appointmentTime(t, state, o.office, appt) : '' });
}

function appointmentTime(t, state, office, a) {
  if (a.local_time) return a.local_time;
  const o = state.allOffices.find((x) => x.id === office);
  return a.start ? clock(t, a.start, o && o.timezone) : '';
}

// A citizen who left the page with a callback address (docs/operations.md "Callback by e-mail"):
// "Nächste Person aufrufen" passes over them; once their turn came, the place is held for them.
function awayBadge(t, tk) {
  if (!tk.callback) return null;
  const text = tk.callback.turn_at ? t('console.callbackHeld', { time: clock(t, tk.callback.turn_at) }) : t('console.callbackAway');
  return h('span', { class: 'callback-away' }, text);
}

export function queuePanel({ t, state, actions }) {
  const idle = state.phase === 'idle';
  const tables = state.offices.map((o) => {
    // the head the queue events carry, then the pages the clerk asked for (showMore)
    const tickets = [...(o.tickets || []), ...(o.extra || [])].filter((tk) => !tk.state || tk.state === 'waiting' || tk.state === 'called');
    const rest = Math.max(0, waitingIn(o) + (o.called || 0) - tickets.length);
    const headId = uid('q');
    if (tickets.length === 0) {
      return h('div', { class: 'office-queue' }, h('h3', { id: headId }, officeName(t, state, o.office)), h('p', {}, t('console.noTickets')));
    }
    return h('div', { class: 'office-queue' },
      h('h3', { id: headId }, officeName(t, state, o.office), ` (${waitingIn(o)})`),
      h('div', { class: 'table-wrap' }, h('table', { 'aria-labelledby': headId },
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col' }, t('console.ticket')), h('th', { scope: 'col' }, t('console.person')),
          h('th', { scope: 'col' }, t('console.waitedCol')))),
        h('tbody', {}, tickets.map((tk) => {
          const id = `sel-${tk.id}`;
          // the radio button sits in the number's cell: one column less
          return h('tr', { class: state.selected === tk.id ? 'selected' : '' },
            h('td', { class: 'pick' }, h('input', {
              type: 'radio', name: 'ticket', id, checked: state.selected === tk.id, disabled: tk.state === 'called',
              'aria-label': t('console.select', { number: tk.number }), onchange: () => actions.select(tk.id)
            }), ' ', h('label', { for: id }, tk.number || ''), citizenLangBadge(t, tk.lang),
            interpreterBadge(t, tk.needs_interpreter), awayBadge(t, tk)),
            // name and concern share a cell (one under the other): three columns fit 320 px
            h('td', { class: 'person' }, h('bdi', { class: 'name' }, tk.name || '–'),
              tk.concern ? h('bdi', { class: 'concern' }, tk.concern) : null),
            h('td', { class: 'waited' }, waitedCell(t, state, o, tk)));
        }))),
      rest > 0 ? h('p', { class: 'more' }, t('console.moreWaiting', { n: rest }), ' ',
        h('button', { type: 'button', id: `more-${o.office}`, onclick: () => actions.showMore(o.office) },
          t('console.showMore'), h('span', { class: 'sr-only' }, ` – ${officeName(t, state, o.office)}`))) : null));
  });
  return h('section', { class: 'card', id: 'queue-panel', 'aria-labelledby': 'queue-h' },
    h('h2', { id: 'queue-h' }, t('console.queues')),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'primary', id: 'call-next', disabled: !idle, onclick: actions.callNext }, t('console.callNext')),
      h('button', { type: 'button', id: 'call-selected', disabled: !idle || !state.selected, onclick: actions.callSelected }, t('console.callSelected'))),
    tables);
}

// A holder who did not come can be marked no-show once the slot has started (the service refuses
// it earlier); the button also names the time and person for screen readers.
function noShowButton(t, state, actions, a) {
  if (!actions || (a.state !== 'booked' && a.state !== 'checked_in')) return null;
  if (!a.start || Date.parse(a.start) > Date.now()) return null;
  const time = appointmentTime(t, state, a.office, a);
  return h('button', { type: 'button', id: `noshow-${a.id}`, onclick: () => actions.appointmentNoShow(a.id) },
    t('console.noShow'), h('span', { class: 'sr-only' }, ` – ${t('console.noShowLabel', { time, name: a.name || '–' })}`));
}

export function appointmentsPanel({ t, state, actions }) {
  const rows = [];
  for (const o of state.offices) {
    for (const a of o.appointments || []) rows.push({ office: o.office, ...a });
  }
  rows.sort((a, b) => String(a.start).localeCompare(String(b.start)));
  return h('section', { class: 'card', id: 'appointments-panel', 'aria-labelledby': 'appt-h' },
    h('h2', { id: 'appt-h' }, t('console.appointments')),
    rows.length === 0 ? h('p', {}, t('console.noAppointments')) :
      h('ul', {}, rows.map((a) => {
        const noShow = noShowButton(t, state, actions, a);
        return h('li', {},
          h('strong', {}, appointmentTime(t, state, a.office, a)), ' ', officeName(t, state, a.office), ': ',
          h('bdi', {}, a.name || '–'), a.concern ? [' – ', h('bdi', {}, a.concern)] : '', a.state ? ` (${t(`appt.${a.state}`)})` : '',
          noShow ? ' ' : '', noShow);
      })));
}

// The form keeps its elements across queue re-renders (like the statistics section), so a message
// being typed survives live updates.
let broadcastCache = null;

export function broadcastPanel({ t, actions, state }) {
  const key = `${t.lang}|${state.offices.map((o) => o.office).join(',')}`;
  if (broadcastCache && broadcastCache.key === key) return broadcastCache.el;
  const sel = h('select', { id: 'bc-office' }, state.offices.map((o) => h('option', { value: o.office }, officeName(t, state, o.office))));
  const text = textField(t, {
    id: 'bc-text', label: t('console.broadcastText', { max: LIMITS.broadcast_text }), limit: 'broadcast_text', field: 'text',
    multiline: true, rows: 2
  });
  const out = h('p', { role: 'status', class: 'hint' });
  const el = h('section', { class: 'card', id: 'broadcast-panel', 'aria-labelledby': 'bc-h' },
    h('h2', { id: 'bc-h' }, t('console.broadcast')),
    h('form', {
      onsubmit: async (ev) => {
        ev.preventDefault();
        out.textContent = '';
        if (!text.value() || !text.check()) return;
        try {
          await actions.broadcast(sel.value, text.value());
          out.textContent = t('console.broadcastSent');
          text.set('');
        } catch (err) {
          if (err.code === 'too_large' || err.code === 'invalid_text') text.refuse(err);
          else out.textContent = errorText(t, err, 'console');
        }
      }
    },
    h('div', { class: 'field' }, h('label', { for: 'bc-office' }, t('console.broadcastOffice')), sel),
    text.el,
    h('button', { type: 'submit' }, t('console.broadcastSend')), out));
  broadcastCache = { key, el };
  return el;
}
