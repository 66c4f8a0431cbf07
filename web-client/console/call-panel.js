// Console in-call panel: citizen video (and the interpreter's), self view, inviting an interpreter, chat, mute, screen share, finish/transfer/requeue,
// and while media does not arrive a notice with "Neu verbinden" and "Gespräch beenden".
import { h, replace } from '../widget/dom.js';
import { chatPanel } from '../widget/chat-panel.js';
import { localized } from '../widget/format.js';
import { LISTS } from '../widget/protocol.js';
import { citizenLangBadge, interpreterBadge } from './citizen-lang.js';

const RECONNECT_TEXT = {
  running: 'console.media.reconnecting', sent: 'console.media.reconnectSent', failed: 'console.media.reconnectFailed'
};

export function callPanel({ t, state, actions }) {
  let ticket = state.ticket || {};
  const heading = h('h2', { id: 'call-h', tabindex: '-1' });
  const remoteVideo = h('video', { class: 'remote', id: 'citizen-video', autoplay: true, playsinline: true, muted: true, 'aria-label': t('console.citizenVideo') });
  remoteVideo.muted = true;
  const remoteAudio = h('audio', { autoplay: true });
  // The interpreter (third participant): its picture beside the citizen's once it joined.
  const thirdVideo = h('video', { class: 'remote interpreter', id: 'interpreter-video', autoplay: true, playsinline: true, muted: true, hidden: true, 'aria-label': t('console.interpreter.video') });
  thirdVideo.muted = true;
  const thirdAudio = h('audio', { autoplay: true });
  if (state.third) { thirdVideo.srcObject = state.third; thirdAudio.srcObject = state.third; }
  const inviteBtn = h('button', { type: 'button', id: 'invite-interpreter', onclick: actions.inviteInterpreter }, t('console.interpreter.invite'));
  const inviteLink = h('input', { type: 'text', id: 'interpreter-link', readonly: true, class: 'link' });
  const copyBtn = h('button', { type: 'button', id: 'interpreter-copy' }, t('console.interpreter.copy'));
  copyBtn.addEventListener('click', async () => {
    inviteLink.select();
    try { await navigator.clipboard.writeText(inviteLink.value); interpreterState.textContent = t('console.interpreter.copied'); } catch { /* selected: Ctrl+C works */ }
  });
  const inviteBox = h('div', { class: 'invite', hidden: true },
    h('label', { for: 'interpreter-link' }, t('console.interpreter.link')), ' ', inviteLink, ' ', copyBtn);
  const interpreterState = h('p', { role: 'status', class: 'hint', id: 'interpreter-state' });
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
  const chat = chatPanel({ t, peer: (from) => (from === 'interpreter' ? t('chat.interpreter') : ticket.name || ticket.number || ''), send: actions.sendData, headingLevel: 3 });
  const callState = h('p', { role: 'status', class: 'hint' });
  const who = h('p', { class: 'who-called' });

  // Media trouble: the live regions are in the page from the start (so screen readers announce
  // what is written into them), empty and invisible while the media flows.
  const mediaNotice = h('p', { role: 'status', class: 'status media-notice', id: 'media-notice' });
  const reconnectState = h('p', { role: 'status', class: 'hint', id: 'media-reconnect-state' });
  const reconnectBtn = h('button', { type: 'button', id: 'media-reconnect', onclick: actions.reconnectMedia }, t('console.media.reconnect'));
  const endBtn = h('button', { type: 'button', class: 'danger', id: 'media-end', onclick: actions.hangup }, t('console.media.end'));
  const troubleActions = h('div', { class: 'actions', id: 'media-actions', hidden: true }, reconnectBtn, endBtn);
  let trouble = false;
  let ended = false;

  const el = h('section', { class: 'card', id: 'call-panel', 'aria-labelledby': 'call-h' },
    heading, who, callState, mediaNotice, troubleActions, reconnectState,
    h('div', { class: 'stage' }, remoteVideo, thirdVideo, selfVideo, remoteAudio, thirdAudio),
    h('div', { class: 'actions' }, inviteBtn), inviteBox, interpreterState,
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
    const badge = citizenLangBadge(t, ticket.lang);
    const sign = interpreterBadge(t, ticket.needs_interpreter);
    replace(who, parts.map((p, i) => [i ? ' – ' : '', h('bdi', {}, p)]), badge ? [' ', badge] : null, sign ? [' ', sign] : null);
  }
  setHeading();

  // The other side's media first: that is what the clerk can act on (the widget restarts its own
  // side; "Neu verbinden" restarts ours and makes the widget restart its side too).
  function showMedia({ citizen, own }) {
    if (ended) return;
    const text = citizen ? t('console.media.citizen', { number: ticket.number || '' }) : own ? t('console.media.own') : '';
    if (!text) {
      if (trouble) callState.textContent = t('console.media.back');
      clearTrouble('#call-h');
      return;
    }
    trouble = true;
    if (mediaNotice.textContent !== text) mediaNotice.textContent = text;
    troubleActions.hidden = false;
    if (callState.textContent === t('console.media.back')) callState.textContent = '';
  }

  // The buttons go away: a keyboard user on one of them lands on `focusTarget`, not on <body>.
  function clearTrouble(focusTarget) {
    const hadFocus = troubleActions.contains(document.activeElement);
    trouble = false;
    mediaNotice.textContent = '';
    reconnectState.textContent = '';
    troubleActions.hidden = true;
    const target = hadFocus && el.querySelector(focusTarget);
    if (target) target.focus();
  }

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
      if (d.third) {
        if (thirdVideo.srcObject !== d.third) thirdVideo.srcObject = d.third;
        if (thirdAudio.srcObject !== d.third) thirdAudio.srcObject = d.third;
        thirdVideo.play().catch(() => {});
        thirdAudio.play().catch(() => {});
      }
      if (d.invite) {
        inviteLink.value = d.invite;
        inviteBox.hidden = false;
        interpreterState.textContent = t('console.interpreter.invited');
        inviteLink.focus();
        inviteLink.select();
      }
      if (d.interpreterMedia !== undefined) {
        interpreterState.textContent = t(d.interpreterMedia ? 'console.interpreter.stalled' : 'console.interpreter.flowing');
      }
      if (d.interpreter) {
        const joined = d.interpreter === 'joined';
        thirdVideo.hidden = !joined;
        inviteBtn.disabled = joined;
        if (joined) { inviteBox.hidden = true; inviteLink.value = ''; }
        interpreterState.textContent = t(joined ? 'console.interpreter.joined'
          : d.reason === 'interpreter_gone' ? 'console.hangup.interpreter_gone' : 'console.interpreter.left');
      }
      if (d.webrtc === true) callState.textContent = '';
      if (d.media) showMedia(d.media);
      if (d.reconnect) reconnectState.textContent = t(RECONNECT_TEXT[d.reconnect]);
      if (d.ended) {
        ended = true;
        inviteBtn.disabled = true;
        inviteBox.hidden = true;
        inviteLink.value = '';
        thirdVideo.hidden = true;
        callState.textContent = t('console.ended');
        clearTrouble('#finish');
      }
      if (d.data) chat.receive(d.data, d.dataFrom);
    },
    destroy() { if (screenTrack) screenTrack.stop(); chat.destroy(); }
  };
}
