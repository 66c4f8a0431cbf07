// Attention alerts for "almost your turn", "your turn" and clerk arrivals: sound, tab title, notification.

let audioCtx = null;

// Why: the sound is synthesised with WebAudio, so no audio file has to be served or loaded.
export function chime(kind = 'called') {
  try {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    audioCtx = audioCtx || new Ctx();
    if (audioCtx.state === 'suspended') audioCtx.resume().catch(() => {});
    const notes = { called: [660, 880, 1100], almost: [660, 880], arrival: [880, 660] }[kind] || [880];
    const start = audioCtx.currentTime + 0.02;
    notes.forEach((freq, i) => {
      const osc = audioCtx.createOscillator();
      const gain = audioCtx.createGain();
      osc.type = 'sine';
      osc.frequency.value = freq;
      const t0 = start + i * 0.22;
      gain.gain.setValueAtTime(0.0001, t0);
      gain.gain.exponentialRampToValueAtTime(0.3, t0 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t0 + 0.2);
      osc.connect(gain).connect(audioCtx.destination);
      osc.start(t0);
      osc.stop(t0 + 0.21);
    });
  } catch { /* no audio output: the visual alerts remain */ }
}

// Unlocks audio on a user gesture (browsers block sound that starts without one).
export function unlockAudio() {
  try {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    audioCtx = audioCtx || new Ctx();
    audioCtx.resume().catch(() => {});
  } catch { /* ignore */ }
}

const originalTitle = { value: null };

export function setTitle(text) {
  if (originalTitle.value === null) originalTitle.value = document.title;
  document.title = text;
}

export function restoreTitle() {
  if (originalTitle.value !== null) document.title = originalTitle.value;
  originalTitle.value = null;
}

export function notificationsAllowed() {
  return 'Notification' in window && Notification.permission === 'granted';
}

export async function askNotifications() {
  if (!('Notification' in window)) return false;
  if (Notification.permission === 'default') {
    try { await Notification.requestPermission(); } catch { return false; }
  }
  return Notification.permission === 'granted';
}

export function notify(text, tag) {
  if (!notificationsAllowed()) return null;
  try { return new Notification(text, { tag, renotify: true }); } catch { return null; }
}
