// Console in-call panel: citizen video, self view, chat, mute, screen share, finish/transfer/requeue.
import { h, replace } from '../widget/dom.js';
import { chatPanel } from '../widget/chat-panel.js';
import { localized } from '../widget/format.js';
import { LISTS } from '../widget/protocol.js';

export function callPanel({ t, state, actions }) {
  let ticket = state.ticket || {};
  const heading = h('h2', { id: 'call-h', tabindex: '-1' });
  const remoteVideo = h('video', { class: 'remote', id: 'citizen-video', autoplay: true, playsinline: true, muted: true, 'aria-label': t('console.citizenVideo') });
  remoteVideo.muted = true;
  const remoteAudio = h('audio', { autoplay: true });
  const selfVideo = h('video', { class: 'self', autoplay: true, playsinline: true, muted: true, 'aria-label': t('call.self') });
  selfVideo.muted = true;
  if (state.stream) selfVideo.srcObject = state.stream;
  if (state.remote) { remoteVideo.srcObject = state.remote; remoteAudio.srcObject = state.remote; }
  let screenTrack = null;

  const mute = h('button', { type: 'button', class: 'toggle', 'aria-pressed': 'false', id: 'mute' }, t('call.mute'));
  mute.addEventListener('click', () => {
    const off = mute.getAttribute('aria-pressed') !== 'true';
    (state.stream ? state.stream.getAudioTracks() : []).forEach((x) => { x.enabled = !off; });
    mute.setAttribute('aria-pressed', String(off));
    mute.textContent = off ? t('call.unmute') : t('call.mute');
  });

  // Why: swapping the sender's track shares the screen without a new offer; the camera comes back after.
  const screen = h('button', { type: 'button', class: 'toggle', 'aria-pressed': 'false', id: 'screen' }, t('console.screen'));
  screen.addEventListener('click', async () => {
    const sender = actions.videoSender();
    if (!sender) return;
    if (screenTrack) { stopScreen(sender); return; }
    try {
      const display = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 15 } }, audio: false });
      screenTrack = display.getVideoTracks()[0];
      screenTrack.addEventListener('ended', () => stopScreen(actions.videoSender()));
      await sender.replaceTrack(screenTrack);
      screen.setAttribute('aria-pressed', 'true');
      screen.textContent = t('console.screenStop');
    } catch { screenTrack = null; }
  });
  function stopScreen(sender) {
    if (screenTrack) screenTrack.stop();
    screenTrack = null;
    const cam = state.stream ? state.stream.getVideoTracks()[0] : null;
    if (sender) sender.replaceTrack(cam || null).catch(() => {});
    screen.setAttribute('aria-pressed', 'false');
    screen.textContent = t('console.screen');
  }

  const outcome = h('select', { id: 'outcome' }, LISTS.outcome.map((o) => h('option', { value: o }, t(`outcome.${o}`))));
  const target = h('select', { id: 'transfer-office' },
    state.allOffices.map((o) => h('option', { value: o.id }, localized(t, o.name))));
  const chat = chatPanel({ t, peer: () => ticket.name || ticket.number || '', send: actions.sendData, headingLevel: 3 });
  const callState = h('p', { role: 'status', class: 'hint' });
  const who = h('p', { class: 'who-called' });

  const el = h('section', { class: 'card', id: 'call-panel', 'aria-labelledby': 'call-h' },
    heading, who, callState,
    h('div', { class: 'stage' }, remoteVideo, selfVideo, remoteAudio),
    h('div', { class: 'actions' }, mute, screen,
      h('button', { type: 'button', class: 'danger', id: 'hangup', onclick: actions.hangup }, t('call.hangup'))),
    h('div', { class: 'actions' },
      h('div', {}, h('label', { for: 'outcome' }, t('console.outcome')), ' ', outcome),
      h('button', { type: 'button', class: 'primary', id: 'finish', onclick: () => actions.finish(outcome.value) }, t('console.finish'))),
    h('div', { class: 'actions' },
      h('div', {}, h('label', { for: 'transfer-office' }, t('console.transfer')), ' ', target),
      h('button', { type: 'button', id: 'transfer', onclick: () => actions.transfer(target.value) }, t('console.transferBtn')),
      h('button', { type: 'button', id: 'requeue', onclick: actions.requeue }, t('console.requeue'))),
    chat.el);

  function setHeading() {
    heading.textContent = t('console.inCall', { number: ticket.number || '…' });
    const parts = [ticket.name, ticket.concern].filter(Boolean);
    replace(who, parts.map((p, i) => [i ? ' – ' : '', h('bdi', {}, p)]));
  }
  setHeading();

  return {
    el,
    update(d) {
      if (d.ticket) { ticket = d.ticket; setHeading(); }
      if (d.remote) {
        if (remoteVideo.srcObject !== d.remote) remoteVideo.srcObject = d.remote;
        if (remoteAudio.srcObject !== d.remote) remoteAudio.srcObject = d.remote;
        remoteVideo.play().catch(() => {});
        remoteAudio.play().catch(() => {});
      }
      if (d.webrtc === true) callState.textContent = '';
      if (d.ended) callState.textContent = t('console.ended');
      if (d.data) chat.receive(d.data);
    },
    destroy() { if (screenTrack) screenTrack.stop(); chat.destroy(); }
  };
}
