// Device check view: camera/microphone/speaker choice, preview, level meter, speaker test tone,
// network check, step-by-step help when the browser refuses the devices, audio-only, optional
// name and concern, then entering the waiting room (or checking in with a code).
import { h, replace, uid } from '../dom.js';
import {
  listDevices, openDevices, stopStream, classifyMediaError, LevelMeter, canChooseSpeaker, browserFamily, playTone
} from '../media.js';
import { checkNetwork } from '../network-check.js';
import { localizedLang } from '../format.js';
import { textField, checkAll } from '../text-field.js';
import { errorText } from '../errors.js';

export function deviceView(w, params) {
  const t = w.t;
  const office = w.officeById(params.office);
  const officeName = office ? localizedLang(t, office.name) : { text: params.office, lang: null };
  const ids = { cam: uid('cam'), mic: uid('mic'), spk: uid('spk'), level: uid('level'), helpTitle: uid('help') };
  let stream = null;
  let meter = null;
  let closed = false;

  const status = h('p', { class: 'device-status', role: 'status' }, t('device.asking'));
  // the error sentence alone is the alert; the steps below it are read when focus reaches them
  const problem = h('p', { class: 'problem', role: 'alert' });
  const help = h('div', { class: 'help' });
  const video = h('video', { class: 'preview', autoplay: true, muted: true, playsinline: true, 'aria-label': t('device.preview') });
  video.muted = true;
  const cam = h('select', { id: ids.cam, onchange: () => start() });
  const mic = h('select', { id: ids.mic, onchange: () => start() });
  const spk = h('select', { id: ids.spk, onchange: () => { params.speakerId = spk.value; } });
  const speakerField = canChooseSpeaker()
    ? h('div', { class: 'field' }, h('label', { for: ids.spk }, t('device.speaker')), spk)
    : h('p', { class: 'note' }, t('device.speakerFixed'));
  const speaker = speakerTest(t, () => (canChooseSpeaker() ? spk.value : null));
  const network = networkCheck(t, () => w.iceServers());
  const level = h('meter', { id: ids.level, min: '0', max: '100', value: '0', low: '10', high: '90', optimum: '50' });
  const audioOnly = h('input', { type: 'checkbox', id: uid('audio'), checked: params.audioOnly === true, onchange: () => start() });
  const name = textField(t, { label: t('device.name'), limit: 'ticket_name', field: 'name', autocomplete: 'name', value: params.name || '' });
  const concern = textField(t, {
    label: t('device.concern'), hint: t('device.concernHint'), limit: 'concern', field: 'concern', multiline: true, value: params.concern || ''
  });
  // The clerk sees the wish in the queue and can invite an interpreter to the consultation.
  const signLanguage = h('input', { type: 'checkbox', id: uid('sign'), checked: params.needsInterpreter === true });
  const fields = { name, concern };
  const joinError = h('p', { class: 'error', role: 'alert' });
  const enter = h('button', { type: 'submit', class: 'primary' }, t('device.enter'));
  const retry = h('button', { type: 'button', class: 'secondary', hidden: true, onclick: () => start({ again: true }) }, t('device.retry'));

  const form = h('form', { class: 'device-form', onsubmit: (ev) => { ev.preventDefault(); submit(); } },
    h('div', { class: 'device-grid' },
      h('div', { class: 'preview-box' }, video,
        h('label', { for: ids.level }, t('device.level')), level),
      h('div', { class: 'device-fields' },
        h('div', { class: 'field' }, h('label', { for: ids.cam }, t('device.camera')), cam),
        h('div', { class: 'field' }, h('label', { for: ids.mic }, t('device.microphone')), mic),
        speakerField,
        h('div', { class: 'field check' }, audioOnly, h('label', { for: audioOnly.id }, t('device.audioOnly'))),
        status, problem, help, retry)),
    h('div', { class: 'device-checks' }, speaker.el, network.el),
    name.el,
    concern.el,
    h('div', { class: 'field check' }, signLanguage, h('label', { for: signLanguage.id }, t('device.signLanguage'))),
    joinError,
    h('div', { class: 'actions' }, enter,
      h('button', { type: 'button', class: 'secondary', onclick: () => w.go('offices') }, t('device.back'))));

  const el = h('div', { class: 'device-view' },
    h('h3', { 'data-focus': true }, t('device.title')),
    h('p', { lang: officeName.lang && officeName.lang !== t.lang ? officeName.lang : null }, officeName.text),
    params.appointment ? h('p', { class: 'notice' }, t('device.checkin', { code: params.appointment })) : null,
    h('p', {}, t('device.intro')),
    form);

  function release() {
    if (meter) meter.stop();
    meter = null;
    stopStream(stream);
    stream = null;
  }

  // Why: re-open the devices whenever the choice changes so preview and meter show the real thing.
  async function start({ again = false } = {}) {
    release();
    replace(help);
    help.removeAttribute('role');
    help.removeAttribute('aria-labelledby');
    if (!again) problem.textContent = '';
    retry.hidden = true;
    status.textContent = t('device.asking');
    try {
      const opened = await openDevices({ cameraId: cam.value, microphoneId: mic.value, audioOnly: audioOnly.checked });
      if (closed) { stopStream(opened.stream); return; }
      stream = opened.stream;
      video.srcObject = audioOnly.checked ? null : stream;
      video.hidden = audioOnly.checked || opened.noCamera;
      meter = new LevelMeter(stream, (v) => { level.value = v; });
      problem.textContent = '';
      status.textContent = opened.noCamera ? t('device.noCamera') : t('device.ok');
      await fillSelects();
    } catch (err) {
      if (closed) return;
      showHelp(classifyMediaError(err));
      await fillSelects().catch(() => {});
    }
  }

  // Why focus the heading: keyboard and screen-reader users land on the steps that fix the problem;
  // the sentence above it is the one alert (role=alert), announced once.
  function showHelp(kind) {
    const family = browserFamily();
    const stepsKey = kind === 'denied' ? `device.help.denied.${family}` : `device.help.${kind}`;
    status.textContent = '';
    video.hidden = true;
    problem.textContent = '';
    problem.textContent = t(`device.${kind}`);
    const heading = h('h4', { id: ids.helpTitle, tabindex: '-1' }, t(`device.help.title.${kind}`));
    replace(help, heading, h('ol', { class: 'steps' }, t(stepsKey).split('\n').map((line) => h('li', {}, line))));
    help.setAttribute('aria-labelledby', ids.helpTitle);
    help.setAttribute('role', 'region');
    retry.hidden = false;
    heading.focus();
  }

  async function fillSelects() {
    const { cameras, microphones, speakers } = await listDevices();
    const fill = (select, devices, current, kind) => {
      const chosen = current || (stream && stream.getTracks().find((x) => x.kind === kind)?.getSettings().deviceId) || '';
      // device names are the browser's (mostly Latin): their own direction, also in Arabic
      replace(select, devices.map((d, i) => h('option', { value: d.deviceId, selected: d.deviceId === chosen, dir: 'auto' }, d.label || `${i + 1}`)));
      // before the browser allows access the devices have no ids and names: nothing to choose yet
      select.disabled = devices.length === 0 || devices.every((d) => !d.deviceId);
    };
    fill(cam, cameras, cam.value, 'video');
    fill(mic, microphones, mic.value, 'audio');
    // the speaker has no track to ask; keep the choice made before (also after a reload)
    fill(spk, speakers, spk.value || params.speakerId, null);
    params.speakerId = spk.value || null;
    cam.disabled = cam.disabled || audioOnly.checked;
  }

  // Why check here: the citizen learns at once, next to the field, what the server would refuse.
  async function submit() {
    joinError.textContent = '';
    if (!checkAll([name, concern])) return;
    enter.disabled = true;
    const devices = {
      cameraId: cam.value || null, microphoneId: mic.value || null, audioOnly: audioOnly.checked,
      speakerId: (canChooseSpeaker() && spk.value) || null
    };
    release();
    try {
      await w.flow.enter({
        office: params.office, name: name.value(), concern: concern.value(), appointment: params.appointment || null, devices,
        needsInterpreter: signLanguage.checked
      });
    } catch (err) {
      if (closed) return;
      const field = err.data && fields[err.data.field];
      if (field && (err.code === 'too_large' || err.code === 'invalid_text')) field.refuse(err);
      else joinError.textContent = errorText(t, err, 'join');
      enter.disabled = false;
      start();
    }
  }

  // a camera plugged in (or out) during the check shows up in the lists at once
  const onDeviceChange = () => { if (stream) fillSelects().catch(() => {}); };
  if (navigator.mediaDevices) navigator.mediaDevices.addEventListener('devicechange', onDeviceChange);

  start();
  return {
    el,
    destroy: () => {
      closed = true;
      release();
      speaker.destroy();
      if (navigator.mediaDevices) navigator.mediaDevices.removeEventListener('devicechange', onDeviceChange);
      name.destroy();
      concern.destroy();
    }
  };
}

// The speaker test: play a tone, ask "did you hear it?"; "no" shows what to check.
function speakerTest(t, speakerId) {
  const ids = { title: uid('tone'), answer: uid('heard') };
  const audio = h('audio', { class: 'tone' });
  const state = h('p', { role: 'status' });
  const advice = h('div', { class: 'advice' });
  const play = h('button', { type: 'button', class: 'secondary', onclick: () => run() }, t('device.tone.play'));
  const answer = (heard) => {
    question.hidden = true;
    state.textContent = heard ? t('device.tone.good') : '';
    if (heard) { replace(advice); return; }
    const heading = h('h5', { tabindex: '-1' }, t('device.tone.helpTitle'));
    replace(advice, heading, h('ol', { class: 'steps' }, t('device.tone.help').split('\n').map((line) => h('li', {}, line))));
    heading.focus();
  };
  const question = h('div', { class: 'question', role: 'group', 'aria-labelledby': ids.answer, hidden: true },
    h('p', { id: ids.answer }, t('device.tone.question')),
    h('button', { type: 'button', class: 'secondary', onclick: () => answer(true) }, t('device.tone.yes')),
    h('button', { type: 'button', class: 'secondary', onclick: () => answer(false) }, t('device.tone.no')));
  const el = h('section', { class: 'speaker-test', 'aria-labelledby': ids.title, 'data-tone': 'idle' },
    h('h4', { id: ids.title }, t('device.tone.title')), play, audio, state, question, advice);
  let gone = false;

  async function run() {
    play.disabled = true;
    question.hidden = true;
    replace(advice);
    state.textContent = t('device.tone.playing');
    el.dataset.tone = 'playing';
    try {
      const { peak } = await playTone(audio, speakerId());
      if (gone) return;
      el.dataset.tone = 'played';
      el.dataset.peak = peak.toFixed(3);
      state.textContent = t('device.tone.played');
      question.hidden = false;
      question.querySelector('button').focus();
    } catch {
      if (gone) return;
      el.dataset.tone = 'failed';
      state.textContent = t('device.tone.failed');
    } finally {
      play.disabled = false;
    }
  }

  return { el, destroy: () => { gone = true; } };
}

// The network check: with the office's ICE servers, which path would a call take?
function networkCheck(t, iceServers) {
  const title = uid('net');
  const result = h('p', { role: 'status' });
  const advice = h('ul', { class: 'steps', hidden: true });
  const button = h('button', { type: 'button', class: 'secondary', onclick: () => run() }, t('device.net.check'));
  const el = h('section', { class: 'network-test', 'aria-labelledby': title, 'data-result': '' },
    h('h4', { id: title }, t('device.net.title')), button, result, advice);

  async function run() {
    button.disabled = true;
    advice.hidden = true;
    el.dataset.result = '';
    result.textContent = t('device.net.checking');
    let servers = [];
    try { servers = (await iceServers()) || []; } catch { /* none: host candidates still tell something */ }
    const { result: found } = await checkNetwork(servers);
    el.dataset.result = found;
    result.textContent = t(`device.net.${found}`);
    const bad = found === 'blocked' || found === 'none';
    replace(advice, bad ? t('device.net.advice').split('\n').map((line) => h('li', {}, line)) : []);
    advice.hidden = !bad;
    button.disabled = false;
  }

  return { el };
}
