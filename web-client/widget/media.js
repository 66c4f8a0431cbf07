// Camera and microphone access for the device check: listing, opening the chosen devices, level meter.
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
    microphones: all.filter((d) => d.kind === 'audioinput')
  };
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
