// Waiting-room view: big ticket number, position and wait range (polite live region), alerts,
// broadcasts, notification opt-in, callback by e-mail and "5 more minutes", the Leichte-Sprache
// explanation and leaving.
import { h, replace, uid } from '../dom.js';
import { waitRange, localized } from '../format.js';
import { askNotifications, notificationsAllowed } from '../alerts.js';
import { api } from '../api.js';
import { callbackBox } from './callback.js';

// docs/janus-api.md: the citizen's `position` counts the tickets ahead (0 = next); people count from 1.
export function placeOf(position) {
  return Number.isInteger(position) && position >= 0 ? position + 1 : null;
}

const NOTICE_ROLE = { reconnecting: 'alert', queueDown: 'alert' };

export function waitingView(w, params) {
  const t = w.t;
  let status = { ...(params.status || {}) };
  let office = w.officeById(status.office);
  const officeName = office ? localized(t, office.name) : status.office;

  const notice = h('p', { class: 'notice' });
  // "KFZ-017" reads left to right also in an Arabic page
  const number = h('p', { class: 'ticket-number', dir: 'ltr' });
  const positionText = h('p', { class: 'position' });
  const estimateText = h('p', { class: 'estimate' });
  const polite = h('div', { role: 'status', 'aria-live': 'polite', class: 'position-box' }, positionText, estimateText);
  const alertBox = h('div', { role: 'alert', class: 'alert-box' });
  const broadcasts = h('ul', { class: 'broadcasts', 'aria-live': 'polite' });
  const notifyBtn = h('button', { type: 'button', class: 'secondary', onclick: () => enableNotify() }, t('wait.notify'));
  const notifyRow = h('p', { class: 'notify-row' });
  // Escape, like "Zurück", closes the question and returns to the button that opened it.
  const closeConfirm = () => { confirmBox.hidden = true; leaveBtn.focus(); };
  const questionId = uid('leave-q');
  // a group named by the question, so it is read out when the focus moves to "Ja, …"
  const confirmBox = h('div', {
    class: 'confirm', hidden: true, role: 'group', 'aria-labelledby': questionId,
    onkeydown: (ev) => { if (ev.key === 'Escape') { ev.preventDefault(); ev.stopPropagation(); closeConfirm(); } }
  },
  h('p', { id: questionId }, t('wait.leaveConfirm')),
  h('button', { type: 'button', class: 'danger', 'data-key': 'leave-yes', onclick: () => w.flow.leave() }, t('wait.leaveYes')),
  h('button', { type: 'button', class: 'secondary', onclick: closeConfirm }, t('device.back')));
  const leaveBtn = h('button', {
    type: 'button', class: 'secondary', onclick: () => { confirmBox.hidden = false; confirmBox.querySelector('button').focus(); }
  }, t('wait.leave'));

  // offered only when the service sends callback mails (GET /api/v1/config `callback`)
  const callback = callbackBox(w, () => status);
  api.callbackConfig(w.config.api).then((c) => callback.offer(c));

  // Opened from a reload or the callback mail's link, the widget has not listed the offices yet:
  // the office's name comes a moment later (the id stands in until then).
  const title = h('h3', { 'data-focus': true }, t('wait.title', { office: officeName }));
  if (!office && status.office) {
    api.offices(w.config.api).then((list) => {
      if (!w.shared.offices.length) w.shared.offices = list;
      office = w.officeById(status.office);
      if (office) title.textContent = t('wait.title', { office: localized(t, office.name) });
    }).catch(() => {});
  }

  const easy = t('wait.easy');
  const el = h('div', { class: 'waiting-view' },
    title,
    notice,
    alertBox,
    h('div', { class: 'ticket' }, h('p', { class: 'ticket-label' }, t('wait.ticket')), number),
    polite,
    h('p', {}, t('wait.keepOpen')),
    notifyRow,
    callback.el,
    broadcasts,
    // Leichte Sprache is German in every language; its title says so in the citizen's language
    h('details', { class: 'easy', lang: 'de' },
      h('summary', { lang: t.lang }, t('wait.easyTitle')),
      h('ul', {}, (Array.isArray(easy) ? easy : []).map((line) => h('li', {}, line)))),
    h('div', { class: 'actions' }, leaveBtn),
    confirmBox);

  function renderNotify() {
    if (!('Notification' in window)) replace(notifyRow);
    else if (notificationsAllowed()) replace(notifyRow, t('wait.notifyOn'));
    else if (Notification.permission === 'denied') replace(notifyRow);
    else replace(notifyRow, notifyBtn, ' ', h('span', { class: 'hint' }, t('wait.notifyHint')));
  }

  async function enableNotify() {
    await askNotifications();
    renderNotify();
  }

  function setText(node, text) {
    if (node.textContent !== text) node.textContent = text;
  }

  // Why: only changed text is written, so screen readers announce real changes and nothing else.
  function render(changes) {
    status = { ...status, ...changes };
    setText(number, status.number || '…');
    const place = placeOf(status.position);
    setText(positionText, place === null ? '' : place === 1 ? t('wait.position.1') : t('wait.position.n', { n: place, ahead: place - 1 }));
    const range = waitRange(t, status.estimate);
    setText(estimateText, place === null ? '' : range ? t('wait.estimate', { range }) : t('wait.estimateUnknown'));
    if ('notice' in changes) {
      const key = status.notice;
      notice.setAttribute('role', NOTICE_ROLE[key] || 'status');
      const params = { n: placeOf(status.position) ?? '', office: office ? localized(t, office.name) : status.office };
      setText(notice, key ? t(`wait.${key}`, params) : '');
    }
    if ('alert' in changes) {
      const a = status.alert;
      const texts = { almost: t('wait.almost'), called: t('wait.called', { clerk: status.clerk || '' }), calledHidden: t('wait.calledHidden') };
      setText(alertBox, texts[a] || '');
      alertBox.className = `alert-box${a ? ' active' : ''}`;
    }
    callback.update(status);
    if (changes.broadcast) {
      broadcasts.prepend(h('li', {}, h('strong', {}, t('wait.broadcast', { from: changes.broadcast.from }), ': '), changes.broadcast.text));
      while (broadcasts.children.length > 5) broadcasts.lastChild.remove();
    }
  }

  renderNotify();
  render({ ...status, notice: status.notice || null, alert: status.alert || null });
  return { el, update: render, destroy: () => callback.destroy() };
}
