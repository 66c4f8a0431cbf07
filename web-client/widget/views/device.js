// Device check view: camera/microphone choice, preview, level meter, help on failure, audio-only,
// optional name and concern, then entering the waiting room (or checking in with a code).
import { h, replace, uid } from '../dom.js';
import { listDevices, openDevices, stopStream, classifyMediaError, LevelMeter } from '../media.js';
import { localizedLang } from '../format.js';
import { textField, checkAll } from '../text-field.js';
import { errorText } from '../errors.js';

export function deviceView(w, params) {
  const t = w.t;
  const office = w.officeById(params.office);
  const officeName = office ? localizedLang(t, office.name) : { text: params.office, lang: null };
  const ids = { cam: uid('cam'), mic: uid('mic'), level: uid('level') };
  let stream = null;
  let meter = null;
  let closed = false;

  const status = h('p', { class: 'device-status', role: 'status' }, t('device.asking'));
  const help = h('div', { class: 'help', role: 'alert' });
  const video = h('video', { class: 'preview', autoplay: true, muted: true, playsinline: true, 'aria-label': t('device.preview') });
  video.muted = true;
  const cam = h('select', { id: ids.cam, onchange: () => start() });
  const mic = h('select', { id: ids.mic, onchange: () => start() });
  const level = h('meter', { id: ids.level, min: '0', max: '100', value: '0', low: '10', high: '90', optimum: '50' });
  const audioOnly = h('input', { type: 'checkbox', id: uid('audio'), checked: params.audioOnly === true, onchange: () => start() });
  const name = textField(t, { label: t('device.name'), limit: 'ticket_name', field: 'name', autocomplete: 'name', value: params.name || '' });
  const concern = textField(t, {
    label: t('device.concern'), hint: t('device.concernHint'), limit: 'concern', field: 'concern', multiline: true, value: params.concern || ''
  });
  const fields = { name, concern };
  const joinError = h('p', { class: 'error', role: 'alert' });
  const enter = h('button', { type: 'submit', class: 'primary' }, t('device.enter'));
  const retry = h('button', { type: 'button', class: 'secondary', hidden: true, onclick: () => start() }, t('device.retry'));

  const form = h('form', { class: 'device-form', onsubmit: (ev) => { ev.preventDefault(); submit(); } },
    h('div', { class: 'device-grid' },
      h('div', { class: 'preview-box' }, video,
        h('label', { for: ids.level }, t('device.level')), level),
      h('div', { class: 'device-fields' },
        h('div', { class: 'field' }, h('label', { for: ids.cam }, t('device.camera')), cam),
        h('div', { class: 'field' }, h('label', { for: ids.mic }, t('device.microphone')), mic),
        h('div', { class: 'field check' }, audioOnly, h('label', { for: audioOnly.id }, t('device.audioOnly'))),
        status, help, retry)),
    name.el,
    concern.el,
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
  async function start() {
    release();
    replace(help);
    retry.hidden = true;
    status.textContent = t('device.asking');
    try {
      const opened = await openDevices({ cameraId: cam.value, microphoneId: mic.value, audioOnly: audioOnly.checked });
      if (closed) { stopStream(opened.stream); return; }
      stream = opened.stream;
      video.srcObject = audioOnly.checked ? null : stream;
      video.hidden = audioOnly.checked || opened.noCamera;
      meter = new LevelMeter(stream, (v) => { level.value = v; });
      status.textContent = opened.noCamera ? t('device.noCamera') : t('device.ok');
      await fillSelects();
    } catch (err) {
      if (closed) return;
      const kind = classifyMediaError(err);
      status.textContent = '';
      replace(help, h('p', {}, t(`device.${kind}`)));
      retry.hidden = false;
      video.hidden = true;
    }
  }

  async function fillSelects() {
    const { cameras, microphones } = await listDevices();
    const fill = (select, devices, current, kind) => {
      const chosen = current || (stream && stream.getTracks().find((x) => x.kind === kind)?.getSettings().deviceId) || '';
      // device names are the browser's (mostly Latin): their own direction, also in Arabic
      replace(select, devices.map((d, i) => h('option', { value: d.deviceId, selected: d.deviceId === chosen, dir: 'auto' }, d.label || `${i + 1}`)));
      select.disabled = devices.length === 0;
    };
    fill(cam, cameras, cam.value, 'video');
    fill(mic, microphones, mic.value, 'audio');
    cam.disabled = cam.disabled || audioOnly.checked;
  }

  // Why check here: the citizen learns at once, next to the field, what the server would refuse.
  async function submit() {
    joinError.textContent = '';
    if (!checkAll([name, concern])) return;
    enter.disabled = true;
    const devices = { cameraId: cam.value || null, microphoneId: mic.value || null, audioOnly: audioOnly.checked };
    release();
    try {
      await w.flow.enter({
        office: params.office, name: name.value(), concern: concern.value(), appointment: params.appointment || null, devices
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

  start();
  return { el, destroy: () => { closed = true; release(); name.destroy(); concern.destroy(); } };
}
