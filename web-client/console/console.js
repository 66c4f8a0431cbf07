// Clerk console controller: REST login, Janus clerk handle, presence, queues, arrival alerts, and
// the call life cycle (idle → calling → in_call → idle) through one state-change function.
import { translator } from '../widget/i18n/index.js';
import { h, replace } from '../widget/dom.js';
import { api, apiBase } from '../widget/api.js';
import { PluginSession, JanusRequestError } from '../widget/janus-glue.js';
import { LISTS, COUNTS } from '../widget/protocol.js';
import { errorText } from '../widget/errors.js';
import { Backoff } from '../widget/backoff.js';
import { IceRecovery } from '../widget/ice-recovery.js';
import { chime, notify, askNotifications, unlockAudio } from '../widget/alerts.js';
import { queuePanel, appointmentsPanel, broadcastPanel, countWaiting } from './queue-view.js';
import { callPanel } from './call-panel.js';
import { statsPanel } from './stats-panel.js';
import { oversightLinks } from './oversight-links.js';

const TOKEN_KEY = 'bb-console-token';
const params = new URLSearchParams(location.search);
const t = translator(params.get('lang') || 'de');
const config = {
  api: apiBase(params.get('api') || '/'),
  // ?janus= wins; otherwise the queue service says where Janus is (GET /api/v1/config)
  janus: params.get('janus') || null,
  // ?ice=[...] wins; otherwise GET /api/v1/ice-servers before each connection
  iceServers: params.has('ice') ? (() => { try { const v = JSON.parse(params.get('ice')); return Array.isArray(v) ? v : []; } catch { return []; } })() : null
};

// Allowed call states and their transitions (the console's state machine).
const TRANSITIONS = {
  login: ['idle'],
  idle: ['calling', 'login'],
  calling: ['in_call', 'idle', 'login'],
  in_call: ['idle', 'login']
};

const app = document.getElementById('app');
const top = document.getElementById('top-actions');

const state = {
  phase: 'login', token: null, clerk: null, session: null, offices: [], allOffices: [],
  selected: null, ticket: null, stream: null, remote: null, presence: 'available', sound: true,
  message: '', lastWaiting: 0, backoff: new Backoff(1000, 15000), call: null,
  // media trouble in the consultation: the plugin's `media` per side, our own ICE recovery
  media: { citizen: false, clerk: false, own: false }, recovery: null,
  gaveBack: null   // number of the ticket this clerk just gave back (its arrival is no news)
};

// The single state-change function: validates the transition and re-renders.
function setPhase(next, changes = {}) {
  if (next !== state.phase && !TRANSITIONS[state.phase].includes(next)) {
    console.warn(`console: ignored transition ${state.phase} → ${next}`);
    return;
  }
  const leavingCall = (state.phase === 'in_call' || state.phase === 'calling') && next !== 'in_call' && next !== 'calling';
  Object.assign(state, changes);
  state.phase = next;
  if (leavingCall) endMedia();
  render();
}

function endMedia() {
  stopRecovery();
  if (state.call) state.call.destroy();
  state.call = null;
  if (state.stream) state.stream.getTracks().forEach((x) => x.stop());
  state.stream = null;
  if (state.session) state.session.hangupMedia();
}

// ---- rendering ---------------------------------------------------------------------------------

function render() {
  document.documentElement.lang = t.lang;
  document.getElementById('console-title').textContent = t('console.title');
  document.getElementById('skip-link').textContent = t('console.skip');
  updateTitle();
  renderTop();
  if (state.phase === 'login') { renderLogin(); return; }
  renderWork();
}

function renderTop() {
  if (state.phase === 'login' || !state.clerk) { replace(top); return; }
  const presence = h('select', { id: 'presence', onchange: (ev) => setPresence(ev.target.value), disabled: state.phase !== 'idle' },
    LISTS.presence_settable.map((p) => h('option', { value: p, selected: state.presence === p }, t(`presence.${p}`))));
  const sound = h('input', { type: 'checkbox', id: 'sound', checked: state.sound, onchange: (ev) => { state.sound = ev.target.checked; } });
  const items = [
    h('p', { class: 'who' }, t('console.hello', { name: state.clerk.display_name || '' })),
    h('label', { for: 'presence' }, t('console.presence')), presence,
    h('span', {}, sound, ' ', h('label', { for: 'sound' }, t('console.sound')))
  ];
  if (state.clerk.role === 'admin') {
    items.push(h('a', { class: 'top-link', href: `admin.html${location.search}` }, t('console.admin')));
  }
  if ('Notification' in window && Notification.permission === 'default') {
    items.push(h('button', { type: 'button', onclick: async () => { await askNotifications(); renderTop(); } }, t('console.notifyAllow')));
  }
  items.push(...oversightLinks(h, t, state.clerk));
  items.push(h('button', { type: 'button', onclick: logout }, t('console.logout')));
  replace(top, items);
}

function renderLogin() {
  const user = h('input', { id: 'login-user', type: 'text', autocomplete: 'username', required: true });
  const pass = h('input', { id: 'login-pass', type: 'password', autocomplete: 'current-password', required: true });
  const error = h('p', { class: 'error', role: 'alert' }, state.message || '');
  const form = h('form', {
    class: 'card login', onsubmit: async (ev) => {
      ev.preventDefault();
      unlockAudio();
      error.textContent = '';
      try {
        const res = await api.login(config.api, user.value.trim(), pass.value);
        sessionStorage.setItem(TOKEN_KEY, res.token);
        await start(res.token);
      } catch (err) {
        error.textContent = errorText(t, err, 'login');
      }
    }
  },
  h('h2', {}, t('console.login')),
  h('div', { class: 'field' }, h('label', { for: 'login-user' }, t('console.user')), user),
  h('div', { class: 'field' }, h('label', { for: 'login-pass' }, t('console.password')), pass),
  error,
  h('button', { type: 'submit', class: 'primary' }, t('console.login')));
  replace(app, form);
  user.focus();
}

function renderWork() {
  const focusId = document.activeElement && document.activeElement.id;
  const status = h('p', { class: 'status', role: 'status', id: 'console-status' }, state.message || '');
  const left = [];
  if (state.phase === 'in_call' || state.phase === 'calling') {
    if (!state.call) state.call = callPanel({ t, state, actions });
    left.push(state.call.el);
  }
  left.push(queuePanel({ t, state, actions }));
  const right = [appointmentsPanel({ t, state, actions }), broadcastPanel({ t, state, actions }),
    statsPanel({ t, state, apiBase: config.api })];
  replace(app, status, h('div', { class: 'layout' }, h('div', {}, left), h('div', {}, right)));
  if (focusId) { const again = document.getElementById(focusId); if (again) again.focus(); }
}

function updateTitle() {
  const n = countWaiting(state.offices);
  document.title = n > 0 ? t('console.titleCount', { n }) : t('console.title');
}

function say(message) {
  state.message = message;
  const el = document.getElementById('console-status');
  if (el) el.textContent = message;
}

// ---- Janus session -------------------------------------------------------------------------------

const events = {
  queue: (d) => { applyQueue(d); refreshQueue(); refreshMore(d); },
  arrival: (d) => arrival(d),
  accepted: (d, jsep) => accepted(jsep),
  hangup: (d) => mediaEnded(String(d.reason || '')),
  media: (d) => mediaState(d),
  interpreter: (d) => interpreterChanged(d),
  no_show: (d) => ticketGone('console.noShowCall', d),
  expired: (d) => ticketGone('console.expired', d),
  queue_unavailable: () => say(t('err.queue_unavailable')),
  queue_available: () => say('')
};

// Hangup reasons in a running consultation after which the ticket is no longer the clerk's (the
// plugin set the clerk free; `no_show`/`expired` events follow). After any other reason the
// clerk still holds the ticket: wrap-up (finish, transfer, back to the waiting room).
const TICKET_GONE = new Set(['no_show', 'expired', 'recovered']);

// Why: a call that had not started yet ends with any hangup (the ticket went back to the waiting
// room); a consultation ends its media and waits for the clerk's decision.
function mediaEnded(reason) {
  stopRecovery();
  const text = t(`console.hangup.${reason}`);
  if (state.phase === 'calling' || TICKET_GONE.has(reason)) {
    if (reason === 'no_show' || reason === 'expired') return;   // their event follows and says more
    callEnded(text);
    return;
  }
  if (state.phase !== 'in_call') return;
  say(`${text} ${t('console.wrapUp')}`);
  if (state.call) state.call.update({ ended: true });
}

function ticketGone(key, d) {
  const number = (state.ticket && state.ticket.number) || d.number || d.ticket;
  if (state.phase === 'calling' || state.phase === 'in_call') callEnded(t(key, { number }));
  else say(t(key, { number }));
}

// Back to idle after the call ended without the clerk finishing it; focus on "call next".
function callEnded(message) {
  // the ticket may come back to a waiting room (withdrawn, requeued): its `arrival` is not news here
  state.gaveBack = state.ticket ? state.ticket.number : null;
  setPhase('idle', { ticket: null, message });
  focusCallNext();
}

function focusCallNext() {
  const btn = document.getElementById('call-next');
  if (btn) btn.focus();
}

// Why: a clerk's Janus session can drop (network blip, Janus restart); log in again by itself.
async function connect(token) {
  const server = await api.janusUrl(config.api, config.janus);
  const iceServers = config.iceServers || await api.iceServers(config.api);
  if (state.session) state.session.destroy();
  const session = new PluginSession({
    onEvent: (data, jsep) => { const fn = events[data.buergerbuero]; if (fn) fn(data, jsep); },
    onRemoteTrack: (track, on, mid) => remoteTrack(track, on, session.pairOf(mid, track.kind)),
    onData: (text, label) => { if (state.call) state.call.update({ data: text, dataFrom: label }); },
    onWebrtc: (up) => { if (state.call) state.call.update({ webrtc: up }); },
    onIce: (ice) => { if (state.recovery && state.session === session) state.recovery.ice(ice); },
    onLost: () => { if (state.session === session) reconnect(); }
  });
  state.session = session;
  await session.open({ server, iceServers });
  const { data } = await session.request({ request: 'login', token });
  state.clerk = data.clerk || {};
  const p = await session.request({ request: 'presence', state: state.presence });
  state.presence = p.data.state || state.presence;
  const q = await session.request({ request: 'queue' });
  applyQueue(q.data);
}

async function start(token) {
  state.token = token;
  try {
    await connect(token);
  } catch (err) {
    if (err instanceof JanusRequestError && err.code === 'unauthorized') {
      sessionStorage.removeItem(TOKEN_KEY);
      setPhase('login', { message: errorText(t, err) });
      return;
    }
    throw err;
  }
  state.message = '';
  state.backoff.reset();
  try { state.allOffices = await api.offices(config.api); } catch { state.allOffices = []; }
  setPhase('idle');
}

async function reconnect() {
  if (!state.token || state.reconnecting) return;
  state.reconnecting = true;
  try {
    await reconnectLoop();
  } finally {
    state.reconnecting = false;
  }
}

async function reconnectLoop() {
  say(t('console.janusDown'));
  if (state.phase !== 'idle' && state.phase !== 'login') setPhase('idle', { ticket: null });
  for (;;) {
    await new Promise((r) => setTimeout(r, state.backoff.next()));
    if (!state.token) return;
    try {
      await connect(state.token);
      state.backoff.reset();
      say('');
      render();
      return;
    } catch (err) {
      if (err instanceof JanusRequestError && err.code === 'unauthorized') { logout(); return; }
    }
  }
}

// Why: the answer to `queue` lists all the clerk's offices, later `queue` events only the changed
// ones; merge by office id and keep today's appointments when an update does not carry them.
function applyQueue(d) {
  const list = Array.isArray(d.offices) ? d.offices : (d.office && typeof d.office === 'string' ? [d] : []);
  const stamp = Date.now();
  for (const o of list) {
    if (!o || typeof o.office !== 'string') continue;
    const i = state.offices.findIndex((x) => x.office === o.office);
    const merged = { ...(i >= 0 ? state.offices[i] : {}), ...o, receivedAt: stamp };
    if (!o.appointments && i >= 0) merged.appointments = state.offices[i].appointments;
    if (i >= 0) state.offices[i] = merged;
    else state.offices.push(merged);
  }
}

function refreshQueue() {
  if (state.phase === 'login') return;
  const panel = document.getElementById('queue-panel');
  if (panel) panel.replaceWith(queuePanel({ t, state, actions }));
  const appts = document.getElementById('appointments-panel');
  if (appts) appts.replaceWith(appointmentsPanel({ t, state, actions }));
  updateTitle();
}

// Why: the clerk must notice a new citizen even while working in another window.
// The ticket this clerk is giving back (or just gave back) is no news to them: no chime, and the
// status line keeps saying what happened to it.
function arrival(d) {
  const number = d.ticket && typeof d.ticket === 'object' ? d.ticket.number : d.ticket;
  if (number && (number === state.gaveBack || (state.ticket && state.ticket.number === number))) {
    state.gaveBack = null;
    return;
  }
  if (state.sound) chime('arrival');
  notify(t('console.arrivalNotify', { office: d.office, number }), 'bb-arrival');
  say(t('console.arrival', { number }));
}

async function setPresence(value) {
  try {
    const { data } = await state.session.request({ request: 'presence', state: value });
    state.presence = data.state || value;
  } catch (err) {
    say(errorText(t, err, 'console'));
  }
  renderTop();
}

// ---- the call ------------------------------------------------------------------------------------

async function openMedia() {
  try {
    return await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: true },
      video: { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 30 } }
    });
  } catch {
    try { return await navigator.mediaDevices.getUserMedia({ audio: true }); } catch { return null; }
  }
}

// Why no polling: the plugin closes a refused offer's PeerConnection (`pc_closed`) and the one of
// an ended consultation itself; Janus confirms each with its own hangup, and an offer made
// before that fails (490). So the next offer waits for that hangup (cleanedUp), event-driven.
async function call(ticket) {
  if (state.phase !== 'idle') return;
  unlockAudio();
  const session = state.session;
  const stream = await openMedia();
  if (state.phase !== 'idle' || session !== state.session) {   // logged out or reconnected meanwhile
    if (stream) stream.getTracks().forEach((x) => x.stop());
    return;
  }
  state.remote = new MediaStream();
  state.third = new MediaStream();
  setPhase('calling', { stream, ticket: ticket || null, message: '' });
  try {
    await session.cleanedUp();
    // with a receive-only pair for an interpreter the clerk may invite later
    const jsep = await session.offer(PluginSession.tracks(stream, { third: true }));
    const body = ticket ? { request: 'call', ticket: ticket.id } : { request: 'call_next' };
    const { data } = await session.request(body, jsep);
    const tk = data.ticket && typeof data.ticket === 'object' ? data.ticket : { number: data.ticket };
    state.ticket = tk;
    say(t('console.calling', { number: tk.number || '' }));
    if (state.call) state.call.update({ ticket: tk });
  } catch (err) {
    if (session !== state.session || state.phase !== 'calling') return;   // reconnecting, or ended meanwhile
    callEnded(errorText(t, err, 'console'));
    // Janus never confirmed the end of the last PeerConnection: a fresh session starts clean
    if (err instanceof JanusRequestError && err.request === 'cleanup' && err.code === 'timeout') {
      session.destroy();
      reconnect();
    }
  }
}

async function accepted(jsep) {
  if (!jsep || state.phase !== 'calling') return;
  try {
    await state.session.remoteJsep(jsep);
    setPhase('in_call', { message: t('console.inCall', { number: (state.ticket && state.ticket.number) || '' }) });
    startRecovery();
  } catch (err) {
    // our side cannot take the citizen's answer: end the media, keep the ticket for the wrap-up
    setPhase('in_call', { message: `${t('console.hangup.closed')} ${t('console.wrapUp')}` });
    if (state.call) state.call.update({ ended: true });
    state.session.request({ request: 'hangup' }).catch(() => {});
  }
}

// ---- media trouble (docs/web-client.md "Media trouble") ---------------------------------------

const RENEGOTIATE_TRIES = 3;

// In a consultation whose media still runs (the recovery lives exactly that long).
function mediaRunning(session) {
  return session === state.session && state.phase === 'in_call' && state.recovery !== null;
}

function startRecovery() {
  stopRecovery();
  const session = state.session;
  const pc = session.peerConnection();
  state.recovery = new IceRecovery({
    ice: pc ? pc.iceConnectionState : 'new',
    restart: () => restartIce(session),
    giveUp: () => gaveUp(session),
    onChange: (trouble) => { state.media.own = trouble; showMedia(); }
  });
}

function stopRecovery() {
  if (state.recovery) state.recovery.stop();
  state.recovery = null;
  state.media = { citizen: false, clerk: false, own: false };
}

// The plugin's word on whose media arrives (`side`): our own restarts ICE from here; the citizen's
// is shown with "Neu verbinden" / "Gespräch beenden" (the widget restarts its own side).
function mediaState(d) {
  // the interpreter's media: only said (the interpreter's own page mends its side)
  if (d.side === 'interpreter' && state.phase === 'in_call' && state.call) {
    state.call.update({ interpreterMedia: d.state === 'stalled' });
    return;
  }
  if (state.phase !== 'in_call' || !state.recovery || (d.side !== 'citizen' && d.side !== 'clerk')) return;
  const stalled = d.state === 'stalled';
  state.media[d.side] = stalled;
  if (d.side === 'clerk') state.recovery.mediaStalled(stalled);
  showMedia();
}

function showMedia() {
  if (state.call) {
    state.call.update({ media: { citizen: state.media.citizen, own: state.media.own || state.media.clerk } });
  }
}

// One ICE restart of the clerk's PeerConnection: a new offer with fresh ICE credentials as a
// renegotiation; the plugin passes it on to the citizen, whose answer comes back here. The plugin
// refuses it while the citizen's own restart runs (`invalid_state`, a second or less): roll our
// unanswered offer back and offer again shortly (the Janus core took the refused offer already).
async function restartIce(session) {
  for (let attempt = 1; ; attempt += 1) {
    if (!mediaRunning(session)) throw new Error('consultation over');
    const jsep = await session.offer([], { iceRestart: true });
    try {
      const { jsep: answer } = await session.request({ request: 'renegotiate' }, jsep);
      if (answer && mediaRunning(session)) await session.remoteJsep(answer);
      return;
    } catch (err) {
      const pc = session.peerConnection();
      if (pc && pc.signalingState === 'have-local-offer') await pc.setLocalDescription({ type: 'rollback' }).catch(() => {});
      if (!(err instanceof JanusRequestError) || err.code !== 'invalid_state' || attempt >= RENEGOTIATE_TRIES) throw err;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

// Our ICE stayed down through every restart: end our media (Janus closes the PeerConnection and
// tells the citizen `closed`); the clerk wraps up as after any other end of the media.
function gaveUp(session) {
  if (!mediaRunning(session)) return;
  stopRecovery();
  session.hangupMedia();
  say(`${t('console.hangup.closed')} ${t('console.wrapUp')}`);
  if (state.call) state.call.update({ ended: true });
}

// "Neu verbinden": one restart of our side now; the citizen's widget follows the renegotiation
// with its own ICE restart while its media does not arrive.
async function reconnectMedia() {
  if (!state.recovery || !state.call) return;
  state.call.update({ reconnect: 'running' });
  try {
    await state.recovery.now();
    if (state.call) state.call.update({ reconnect: 'sent' });
  } catch (err) {
    console.warn('console: reconnect failed', err);
    if (state.call) state.call.update({ reconnect: 'failed' });
  }
}

// Pair 0 carries the citizen, pair 1 the interpreter (when one takes part).
function remoteTrack(track, on, pair) {
  const key = pair === 1 ? 'third' : 'remote';
  if (!state[key]) state[key] = new MediaStream();
  if (on) {
    state[key].getTracks().filter((x) => x.kind === track.kind).forEach((x) => state[key].removeTrack(x));
    state[key].addTrack(track);
  }
  if (state.call) state.call.update({ [key]: state[key] });
}

// The interpreter joined or left (the consultation goes on 1:1 then).
function interpreterChanged(d) {
  if (state.phase !== 'in_call' || !state.call) return;
  state.call.update({ interpreter: d.state === 'joined' ? 'joined' : 'left', reason: d.reason });
}

// A one-time link for an interpreter without account: valid for this consultation only.
async function inviteInterpreter() {
  try {
    const { data } = await state.session.request({ request: 'invite_interpreter' });
    const link = new URL(`interpret.html#invite=${encodeURIComponent(data.invite)}`, location.href).href;
    if (state.call) state.call.update({ invite: link });
  } catch (err) {
    say(errorText(t, err, 'console'));
  }
}

// Requests that end the consultation share one shape: send, then back to idle with a message.
async function endWith(body, doneKey) {
  try {
    await state.session.request(body);
    callEnded(t(doneKey));
  } catch (err) {
    say(errorText(t, err, 'console'));
  }
}

// While calling, hanging up withdraws the call (the citizen keeps the place); in a consultation it
// ends the media and the clerk wraps up.
async function hangup() {
  const calling = state.phase === 'calling';
  try {
    await state.session.request({ request: 'hangup' });
  } catch (err) {
    say(errorText(t, err, 'console'));
    return;
  }
  if (calling && state.phase === 'calling') {
    callEnded(t('console.withdrawn', { number: (state.ticket && state.ticket.number) || '' }));
  } else if (state.phase === 'in_call') {
    stopRecovery();
    say(`${t('console.hangup.clerk')} ${t('console.wrapUp')}`);
    if (state.call) state.call.update({ ended: true });
  }
}

const actions = {
  callNext: () => call(null),
  callSelected: () => {
    const tk = findTicket(state.selected);
    if (tk) call(tk);
  },
  select: (id) => { state.selected = id; refreshQueue(); },
  finish: (outcome) => endWith({ request: 'finish', outcome }, 'console.finished'),
  transfer: (office) => endWith({ request: 'transfer', office }, 'console.transferred'),
  requeue: () => endWith({ request: 'requeue' }, 'console.requeuedDone'),
  hangup: () => hangup(),
  inviteInterpreter: () => inviteInterpreter(),
  reconnectMedia: () => reconnectMedia(),
  broadcast: (office, text) => state.session.request({ request: 'broadcast', office, text }),
  showMore: (office) => showMore(office),
  appointmentNoShow: (id) => markNoShow(id),
  sendData: (text) => state.session.sendData(text),
  videoSender: () => state.session.videoSender(),
  peerConnection: () => state.session && state.session.peerConnection()
};

// ---- long queues: the queue events carry the head; the clerk asks for more (queue_page) --------

const morePending = new Map();   // office -> timer of a refresh of its extra pages

// Why ask again after each change: the pages the clerk opened stay open and current, at most once
// a second per office, however often a long queue changes.
function refreshMore(d) {
  const list = Array.isArray(d.offices) ? d.offices : [];
  for (const o of list) {
    if (!o || !state.more || !state.more[o.office] || morePending.has(o.office)) continue;
    morePending.set(o.office, setTimeout(() => { morePending.delete(o.office); fetchMore(o.office); }, 1000));
  }
}

async function showMore(office) {
  state.more = state.more || {};
  state.more[office] = (state.more[office] || 0) + COUNTS.queue_page;
  await fetchMore(office);
  say(t('console.moreShown'));
}

// Pages from the end of the head on until the clerk's wish is met or the queue ends.
async function fetchMore(office) {
  const o = state.offices.find((x) => x.office === office);
  if (!o || !state.session) return;
  const extra = [];
  let offset = (o.tickets || []).length;
  try {
    while (extra.length < state.more[office]) {
      const { data } = await state.session.request({ request: 'queue_page', office, offset });
      const page = (data && data.tickets) || [];
      extra.push(...page);
      offset += page.length;
      if (page.length < COUNTS.queue_page) break;
    }
  } catch (err) {
    say(errorText(t, err, 'console'));
    return;
  }
  o.extra = extra;
  refreshQueue();
}

// Why: the queue service sends no queue event for an appointment change, so the reply's updated
// entry replaces ours and the list is redrawn here; focus goes to the panel heading because the
// button disappears.
async function markNoShow(id) {
  try {
    const { data } = await state.session.request({ request: 'appointment_no_show', appointment: id });
    const updated = data && data.appointment;
    for (const o of state.offices) {
      const i = (o.appointments || []).findIndex((a) => a.id === id);
      if (i >= 0) o.appointments[i] = { ...o.appointments[i], ...(updated || {}), state: (updated && updated.state) || 'no_show' };
    }
    refreshQueue();
    say(t('console.noShowDone'));
    const head = document.getElementById('appt-h');
    if (head) { head.tabIndex = -1; head.focus(); }
  } catch (err) {
    say(errorText(t, err, 'console'));
  }
}

function findTicket(id) {
  for (const o of state.offices) for (const tk of [...(o.tickets || []), ...(o.extra || [])]) if (tk.id === id) return tk;
  return null;
}

async function logout() {
  const token = state.token;
  state.token = null;
  sessionStorage.removeItem(TOKEN_KEY);
  if (state.session) { try { await state.session.request({ request: 'presence', state: 'offline' }); } catch { /* ignore */ } }
  endMedia();
  if (state.session) state.session.destroy();
  state.session = null;
  state.clerk = null;
  if (token) api.logout(config.api, token).catch(() => {});
  setPhase('login', { message: '' });
}

setInterval(() => { if (state.phase !== 'login') refreshQueue(); }, 10000);

const saved = sessionStorage.getItem(TOKEN_KEY);
render();
if (saved) start(saved).catch(() => setPhase('login', { message: t('console.janusDown') }));
