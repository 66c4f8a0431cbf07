// Interpreter page: joins one consultation with the invitation of the clerk's one-time link
// (#invite=...), sends its own camera and microphone, shows the clerk and the citizen, chat for
// all three, and "leave" (the consultation goes on without the interpreter). No queue, no
// account: the plugin lets this handle do nothing but take part and leave.
import { translator } from '../widget/i18n/index.js';
import { h, replace } from '../widget/dom.js';
import { api, apiBase } from '../widget/api.js';
import { PluginSession, JanusRequestError } from '../widget/janus-glue.js';
import { errorText } from '../widget/errors.js';
import { chatPanel } from '../widget/chat-panel.js';

const params = new URLSearchParams(location.search);
const t = translator(params.get('lang') || 'de');
const config = {
  api: apiBase(params.get('api') || '/'),
  janus: params.get('janus') || null,
  iceServers: params.has('ice') ? (() => { try { const v = JSON.parse(params.get('ice')); return Array.isArray(v) ? v : []; } catch { return []; } })() : null
};
// The invitation stays in the fragment: browsers never send it to a server or in a Referer.
const invite = new URLSearchParams(location.hash.slice(1)).get('invite') || '';
const app = document.getElementById('app');

let session = null;
let stream = null;
const remote = [new MediaStream(), new MediaStream()];   // pair 0 the clerk, pair 1 the citizen

const heading = h('h2', { id: 'interp-h', tabindex: '-1' }, t('console.interpret.title'));
const status = h('p', { role: 'status', id: 'interp-status' }, t('console.interpret.joining'));
const clerkVideo = h('video', { class: 'remote', id: 'clerk-video', autoplay: true, playsinline: true, muted: true, 'aria-label': t('console.interpret.clerkVideo') });
const citizenVideo = h('video', { class: 'remote', id: 'citizen-video', autoplay: true, playsinline: true, muted: true, 'aria-label': t('console.interpret.citizenVideo') });
const selfVideo = h('video', { class: 'self', autoplay: true, playsinline: true, muted: true, 'aria-label': t('call.self') });
for (const v of [clerkVideo, citizenVideo, selfVideo]) v.muted = true;
const audios = [h('audio', { autoplay: true }), h('audio', { autoplay: true })];
const leaveBtn = h('button', { type: 'button', class: 'danger', id: 'leave', onclick: () => leave() }, t('console.interpret.leave'));
const chat = chatPanel({
  t, peer: (from) => t(from === 'citizen' ? 'console.interpret.citizen' : 'console.interpret.clerk'),
  send: (text) => session.sendData(text), headingLevel: 3
});
const stage = h('div', { class: 'stage three' }, clerkVideo, citizenVideo, selfVideo, ...audios);
const call = h('section', { class: 'card', id: 'interp-panel', 'aria-labelledby': 'interp-h' },
  heading, stage, h('div', { class: 'actions' }, leaveBtn), chat.el);
call.hidden = true;
// the status stays visible before, during and after the consultation (and when the link fails)
replace(app, h('section', { class: 'card' }, h('p', {}, t('console.interpret.intro')), status), call);

function show(key, vars) {
  status.textContent = t(key, vars);
}

function ended(key) {
  show(key);
  leaveBtn.disabled = true;
  if (stream) stream.getTracks().forEach((x) => x.stop());
  if (session) session.hangupMedia();
}

function remoteTrack(track, on, mid) {
  const pair = session.pairOf(mid, track.kind);
  const s = remote[pair];
  if (on) {
    s.getTracks().filter((x) => x.kind === track.kind).forEach((x) => s.removeTrack(x));
    s.addTrack(track);
  }
  const video = pair === 1 ? citizenVideo : clerkVideo;
  if (video.srcObject !== s) video.srcObject = s;
  if (audios[pair].srcObject !== s) audios[pair].srcObject = s;
  video.play().catch(() => {});
  audios[pair].play().catch(() => {});
}

const events = {
  hangup: (d) => ended(`console.interpret.ended.${d.reason === 'clerk' ? 'clerk' : 'other'}`)
};

async function join() {
  if (!invite) { show('err.invite_invalid'); return; }
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: true },
      // sign language needs more than lip-reading: 640×480 at 30 fps where the camera gives it
      video: { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 30 } }
    });
  } catch {
    stream = null;
  }
  selfVideo.srcObject = stream;
  const server = await api.janusUrl(config.api, config.janus);
  const iceServers = config.iceServers || await api.iceServers(config.api);
  session = new PluginSession({
    onEvent: (data) => { const fn = events[data.buergerbuero]; if (fn) fn(data); },
    onRemoteTrack: (track, on, mid) => remoteTrack(track, on, mid),
    onData: (text, label) => chat.receive(text, label),
    onLost: () => ended('console.interpret.ended.other')
  });
  await session.open({ server, iceServers });
  try {
    await session.cleanedUp();
    const offer = await session.offer(PluginSession.tracks(stream, { third: true }));
    const { data, jsep } = await session.request({ request: 'interpret', invite }, offer);
    await session.remoteJsep(jsep);
    call.hidden = false;
    show('console.interpret.joined', { number: data.ticket || '', clerk: data.clerk || '' });
    heading.focus();
  } catch (err) {
    show('console.interpret.failed');
    status.textContent = err instanceof JanusRequestError ? errorText(t, err, 'console') : t('console.interpret.failed');
    if (stream) stream.getTracks().forEach((x) => x.stop());
  }
}

async function leave() {
  try {
    await session.request({ request: 'hangup' });
  } catch { /* gone anyway */ }
  ended('console.interpret.left');
}

// A new invitation link opened in the same tab changes only the fragment: start over with it.
window.addEventListener('hashchange', () => location.reload());
join();
