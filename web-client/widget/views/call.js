// Consultation view: remote video large (the interpreter's, when one takes part), self view, mute/camera toggles, chat, hang-up, quality hint.
import { h } from '../dom.js';
import { chatPanel } from '../chat-panel.js';
import { sampleQuality } from '../quality.js';
import { useSpeaker } from '../media.js';

export function callView(w, params) {
  const t = w.t;
  const clerk = params.clerk || '';
  const remoteVideo = h('video', { class: 'remote', autoplay: true, playsinline: true, muted: true, 'aria-label': t('call.remote', { clerk }) });
  remoteVideo.muted = true; // sound plays through the <audio> element below
  const remoteAudio = h('audio', { autoplay: true });
  // The interpreter (a third participant, e.g. sign language): pinned large once it joined.
  const thirdVideo = h('video', { class: 'interpreter', autoplay: true, playsinline: true, muted: true, hidden: true, 'aria-label': t('call.interpreter.video') });
  thirdVideo.muted = true;
  const thirdAudio = h('audio', { autoplay: true });
  const selfVideo = h('video', { class: 'self', autoplay: true, playsinline: true, muted: true, 'aria-label': t('call.self') });
  selfVideo.muted = true;
  const state = h('p', { class: 'call-state', role: 'status' }, t('call.connecting'));
  const quality = h('p', { class: 'quality', role: 'status' }, t('call.quality.unknown'));
  // media trouble: a polite live region that is in the page from the start (so that screen readers
  // announce what is written into it), empty and invisible while the media flows
  const mediaNotice = h('p', { class: 'notice media-notice', role: 'status' });
  let trouble = false;
  let local = null;

  const toggle = (kind, onKey, offKey) => {
    const btn = h('button', { type: 'button', class: 'toggle', 'aria-pressed': 'false' }, t(onKey));
    btn.addEventListener('click', () => {
      const tracks = local ? local.getTracks().filter((x) => x.kind === kind) : [];
      const off = btn.getAttribute('aria-pressed') !== 'true';
      tracks.forEach((x) => { x.enabled = !off; });
      btn.setAttribute('aria-pressed', String(off));
      btn.textContent = off ? t(offKey) : t(onKey);
    });
    return btn;
  };
  // The button names the action; aria-pressed says whether microphone/camera are switched off.
  const muteBtn = toggle('audio', 'call.mute', 'call.unmute');
  const camBtn = toggle('video', 'call.cameraOff', 'call.cameraOn');
  const hangBtn = h('button', { type: 'button', class: 'danger', onclick: () => w.flow.hangup() }, t('call.hangup'));
  const chat = chatPanel({ t, peer: (from) => (from === 'interpreter' ? t('chat.interpreter') : clerk), send: (text) => w.flow.sendData(text) });

  const stage = h('div', { class: 'stage' }, thirdVideo, remoteVideo, selfVideo, remoteAudio, thirdAudio);
  const el = h('div', { class: 'call-view' },
    h('h3', { 'data-focus': true }, t('call.title', { clerk })),
    state,
    mediaNotice,
    stage,
    h('div', { class: 'controls' }, muteBtn, camBtn, hangBtn),
    quality,
    chat.el);

  let prev = null;
  const timer = setInterval(async () => {
    try {
      const q = await sampleQuality(w.flow.peerConnection(), prev);
      prev = q.snapshot;
      const text = t(`call.quality.${q.level}`);
      if (quality.textContent !== text) quality.textContent = text;
    } catch { /* stats unavailable for a moment */ }
  }, 3000);

  function update(d) {
    if (d.localStream !== undefined) {
      local = d.localStream;
      selfVideo.srcObject = local && local.getVideoTracks().length ? local : null;
      selfVideo.hidden = !selfVideo.srcObject;
      camBtn.disabled = !(local && local.getVideoTracks().length);
      muteBtn.disabled = !(local && local.getAudioTracks().length);
    }
    if (d.remoteStream) {
      if (remoteVideo.srcObject !== d.remoteStream) remoteVideo.srcObject = d.remoteStream;
      if (remoteAudio.srcObject !== d.remoteStream) remoteAudio.srcObject = d.remoteStream;
      // the speaker chosen in the device check (where the browser lets a page choose)
      useSpeaker(remoteAudio, w.flow.devices && w.flow.devices.speakerId);
      remoteVideo.play().catch(() => {});
      remoteAudio.play().catch(() => {});
    }
    if (d.thirdStream) {
      if (thirdVideo.srcObject !== d.thirdStream) thirdVideo.srcObject = d.thirdStream;
      if (thirdAudio.srcObject !== d.thirdStream) thirdAudio.srcObject = d.thirdStream;
      useSpeaker(thirdAudio, w.flow.devices && w.flow.devices.speakerId);
      thirdVideo.play().catch(() => {});
      thirdAudio.play().catch(() => {});
    }
    if (d.interpreter) {
      const joined = d.interpreter === 'joined';
      thirdVideo.hidden = !joined;
      stage.classList.toggle('with-interpreter', joined);
      state.textContent = t(joined ? 'call.interpreter.joined' : 'call.interpreter.left');
    }
    if (d.webrtc === true) state.textContent = '';
    if (d.media) showMedia(d.media);
    if (d.data) chat.receive(d.data, d.dataFrom);
  }

  // Our own connection first: then the other side's picture is missing too, and it is ours to wait for.
  function showMedia({ own, peer }) {
    const text = own ? t('call.media.own') : peer ? t('call.media.peer') : '';
    if (mediaNotice.textContent !== text) mediaNotice.textContent = text;
    if (trouble && !text) state.textContent = t('call.media.back');
    else if (text && state.textContent === t('call.media.back')) state.textContent = '';
    trouble = Boolean(text);
  }

  return { el, update, destroy: () => { clearInterval(timer); chat.destroy(); } };
}
