// Camera, microphone and speaker for the device check and the call: listing, opening the chosen
// devices, level meter, the speaker's test tone and the chosen output device (setSinkId).
import { VIDEO_CONSTRAINTS, AUDIO_CONSTRAINTS } from './janus-glue.js';

// Why: the device check must tell "denied" from "no device" from "busy" to show the right help.
export function classifyMediaError(err) {
  const name = err && err.name;
  const table = {
    NotAllowedError: 'denied', SecurityError: 'denied', PermissionDeniedError: 'denied',
    NotFoundError: 'none', DevicesNotFoundError: 'none', OverconstrainedError: 'none',
    NotReadableError: 'busy', TrackStartError: 'busy', AbortError: 'busy'
  };
  return table[name] || 'none';
}

export async function listDevices() {
  const all = await navigator.mediaDevices.enumerateDevices();
  return {
    cameras: all.filter((d) => d.kind === 'videoinput'),
    microphones: all.filter((d) => d.kind === 'audioinput'),
    speakers: all.filter((d) => d.kind === 'audiooutput')
  };
}

// Why feature-detected: only Chromium-based browsers (and Firefox behind a setting) let a page
// choose the output device; elsewhere the sound goes where the operating system sends it.
export function canChooseSpeaker() {
  return typeof HTMLMediaElement !== 'undefined' && typeof HTMLMediaElement.prototype.setSinkId === 'function';
}

// Sends a media element's sound to the chosen speaker; quietly keeps the default when that fails
// (device unplugged since the check) so the citizen still hears the clerk.
export async function useSpeaker(el, speakerId) {
  if (!speakerId || !canChooseSpeaker() || el.sinkId === speakerId) return;
  try { await el.setSinkId(speakerId); } catch { /* default output */ }
}

// Rough browser family from the user agent, only to pick the matching step-by-step help text.
// Edge, Opera and the other Chromium browsers share Chrome's settings pages.
export function browserFamily(ua = navigator.userAgent) {
  if (/Firefox\//.test(ua)) return 'firefox';
  if (/Chrome\/|Chromium\/|CriOS\/|Edg\//.test(ua)) return 'chrome';
  if (/Safari\//.test(ua)) return 'safari';
  return 'other';
}

/**
 * The speaker test: a short generated tone (two beeps, 440 Hz, about 1.2 s, no audio file) played
 * through a hidden <audio> element, so the chosen speaker applies exactly as it will in the call.
 * Resolves when the tone has ended with {peak}: the loudest sample the tone reached (0 … 1) as
 * measured by an AnalyserNode on the way out; 0 means the audio system did not play at all.
 */
export async function playTone(audioEl, speakerId) {
  const Ctx = window.AudioContext || window.webkitAudioContext;
  const ctx = new Ctx();
  try {
    await ctx.resume();
    const osc = ctx.createOscillator();
    osc.frequency.value = 440;
    const gain = ctx.createGain();
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 512;
    const out = ctx.createMediaStreamDestination();
    const t0 = ctx.currentTime + 0.05;
    gain.gain.setValueAtTime(0, ctx.currentTime);
    for (const start of [t0, t0 + 0.7]) {
      gain.gain.setValueAtTime(0, start);
      gain.gain.linearRampToValueAtTime(0.4, start + 0.03);
      gain.gain.setValueAtTime(0.4, start + 0.45);
      gain.gain.linearRampToValueAtTime(0, start + 0.5);
    }
    osc.connect(gain);
    gain.connect(analyser);
    analyser.connect(out);
    audioEl.srcObject = out.stream;
    await useSpeaker(audioEl, speakerId);
    await audioEl.play().catch(() => {});
    const buf = new Float32Array(analyser.fftSize);
    let peak = 0;
    const timer = setInterval(() => {
      analyser.getFloatTimeDomainData(buf);
      for (const v of buf) peak = Math.max(peak, Math.abs(v));
    }, 50);
    await new Promise((resolve) => {
      osc.onended = resolve;
      osc.start(t0);
      osc.stop(t0 + 1.25);
    });
    clearInterval(timer);
    return { peak };
  } finally {
    audioEl.pause();
    audioEl.srcObject = null;
    ctx.close().catch(() => {});
  }
}

// Opens microphone (and camera unless audio-only); falls back to audio alone when there is no camera.
export async function openDevices({ cameraId, microphoneId, audioOnly }) {
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) throw Object.assign(new Error('no media'), { name: 'NotFoundError' });
  const audio = { ...AUDIO_CONSTRAINTS, ...(microphoneId ? { deviceId: { exact: microphoneId } } : {}) };
  const video = audioOnly ? false : { ...VIDEO_CONSTRAINTS, ...(cameraId ? { deviceId: { exact: cameraId } } : {}) };
  try {
    return { stream: await navigator.mediaDevices.getUserMedia({ audio, video }), noCamera: false };
  } catch (err) {
    if (video && classifyMediaError(err) === 'none') {
      return { stream: await navigator.mediaDevices.getUserMedia({ audio, video: false }), noCamera: true };
    }
    throw err;
  }
}

export function stopStream(stream) {
  if (stream) for (const track of stream.getTracks()) track.stop();
}

// Why: a visible level meter tells the citizen the microphone works before the clerk has to ask.
export class LevelMeter {
  constructor(stream, onLevel) {
    const track = stream.getAudioTracks()[0];
    if (!track) return;
    const Ctx = window.AudioContext || window.webkitAudioContext;
    this.ctx = new Ctx();
    this.ctx.resume().catch(() => {});
    const src = this.ctx.createMediaStreamSource(new MediaStream([track]));
    this.analyser = this.ctx.createAnalyser();
    this.analyser.fftSize = 512;
    src.connect(this.analyser);
    const buf = new Uint8Array(this.analyser.fftSize);
    const tick = () => {
      this.analyser.getByteTimeDomainData(buf);
      let peak = 0;
      for (const v of buf) peak = Math.max(peak, Math.abs(v - 128));
      onLevel(Math.min(100, Math.round((peak / 128) * 200)));
      this.timer = setTimeout(tick, 100);
    };
    tick();
  }

  stop() {
    clearTimeout(this.timer);
    if (this.ctx) this.ctx.close().catch(() => {});
  }
}
