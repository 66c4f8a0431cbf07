// Chat panel shared by widget and console: real-time text (sent per keystroke), messages, file transfer.
import { h, uid } from './dom.js';
import { bytes } from './format.js';
import { encodeRtt, encodeMessage, sendFile, Receiver } from './datachannel.js';
import { SIZES } from './protocol.js';
import { textField } from './text-field.js';

// Why: EN 301 549 6.2 — the other side sees each character as it is typed, beside the voice call.
// peer(from): the name of a sender; `from` is the data channel's label, which names the sender's
// role when a third participant (interpreter) takes part, so each sender has its own line state.
export function chatPanel({ t, peer, send, headingLevel = 4 }) {
  const ids = { file: uid('chat-file'), head: uid('chat-head') };
  const log = h('ol', {});
  const logBox = h('div', { class: 'chat-log', role: 'log', 'aria-label': t('chat.log') }, log);
  const rtt = h('p', { class: 'rtt', 'aria-live': 'off' });
  const field = textField(t, { label: t('chat.input'), hint: t('chat.hint'), limit: 'chat_text', field: 'chat', multiline: true, rows: 2 });
  const input = field.input;
  const fileInput = h('input', { id: ids.file, type: 'file', accept: 'image/*,application/pdf,text/plain' });
  const fileStatus = h('p', { class: 'file-status', role: 'status' });
  const urls = [];

  const line = (who, text, mine) => {
    log.append(h('li', { class: mine ? 'mine' : 'theirs' }, h('strong', {}, `${who}: `), h('span', { dir: 'auto' }, text)));
    logBox.scrollTop = logBox.scrollHeight;
  };

  const sendSafe = (text) => send(text).catch(() => {});
  input.addEventListener('input', () => sendSafe(encodeRtt(input.value)));
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey) { ev.preventDefault(); submit(); }
  });

  function submit() {
    const text = field.value();
    if (!text || !field.check()) return;
    sendSafe(encodeMessage(text));
    sendSafe(encodeRtt(''));
    line(t('chat.me'), text, true);
    field.set('');
  }

  fileInput.addEventListener('change', async () => {
    const file = fileInput.files && fileInput.files[0];
    if (!file) return;
    if (file.size > SIZES.chat_file) { fileStatus.textContent = t('chat.fileTooBig', { mb: SIZES.chat_file / 1048576 }); fileInput.value = ''; return; }
    try {
      await sendFile(file, send, (pct) => { fileStatus.textContent = t('chat.fileSending', { name: file.name, pct }); });
      fileStatus.textContent = t('chat.fileSent', { name: file.name });
      line(t('chat.me'), t('chat.fileSent', { name: file.name }), true);
    } catch {
      fileStatus.textContent = t('err.generic');
    }
    fileInput.value = '';
  });

  const typing = new Map();   // sender -> unfinished line
  const showTyping = () => {
    rtt.textContent = [...typing].filter(([, text]) => text).map(([from, text]) => t('chat.typing', { who: peer(from), text })).join(' · ');
  };
  const receivers = new Map();
  const receiverOf = (from) => {
    if (!receivers.has(from)) {
      receivers.set(from, new Receiver({
        onRtt: (text) => { typing.set(from, text); showTyping(); },
        onMessage: (text) => { typing.set(from, ''); showTyping(); line(peer(from), text, false); },
        onFile: ({ name, size, blob }) => {
          const url = URL.createObjectURL(blob);
          urls.push(url);
          log.append(h('li', { class: 'theirs' }, h('strong', {}, `${peer(from)}: `), t('chat.fileReceived', { name, size: bytes(size) }), ' ',
            h('a', { href: url, download: name }, t('chat.fileDownload', { name }))));
        }
      }));
    }
    return receivers.get(from);
  };

  const el = h('section', { class: 'chat', 'aria-labelledby': ids.head },
    h(`h${headingLevel}`, { id: ids.head }, t('chat.title')),
    logBox, rtt,
    h('form', { class: 'chat-form', onsubmit: (ev) => { ev.preventDefault(); submit(); } },
      field.el,
      h('button', { type: 'submit', class: 'primary' }, t('chat.send'))),
    h('div', { class: 'file-row' },
      h('label', { for: ids.file }, t('chat.file')), fileInput,
      h('p', { class: 'hint' }, t('chat.fileHint', { mb: SIZES.chat_file / 1048576 })), fileStatus));

  return {
    el,
    receive: (raw, from) => receiverOf(from || '').handle(raw),
    destroy: () => { field.destroy(); urls.forEach((u) => URL.revokeObjectURL(u)); }
  };
}
