// Thank-you view after a consultation with an optional 1–5 rating that is shown only, never sent.
import { h } from '../dom.js';

export function thanksView(w, params) {
  const t = w.t;
  const result = h('p', { role: 'status' });
  // the media ended but the clerk has not yet said what becomes of the ticket (finish, or back
  // to the waiting room): the citizen should not close the page yet
  const pending = h('p', { class: 'notice' }, params.pending ? t('call.failedPending') : '');
  const stars = [1, 2, 3, 4, 5].map((n) => h('button', {
    type: 'button', class: 'star', 'aria-pressed': 'false', 'aria-label': t('thanks.star', { n }),
    onclick: () => {
      stars.forEach((b, i) => b.setAttribute('aria-pressed', String(i < n)));
      result.textContent = t('thanks.rated');
    }
  }, '★'));
  const el = h('div', { class: 'thanks-view' },
    h('h3', { 'data-focus': true }, t('thanks.title')),
    h('p', {}, params.how === 'failed' ? t('call.failed') : t('thanks.text')),
    pending,
    h('fieldset', { class: 'rating' }, h('legend', {}, t('thanks.rate')), stars),
    result,
    h('button', { type: 'button', class: 'primary', onclick: () => w.go('offices') }, t('thanks.back')));
  function update(d) {
    if (d.pending === false) { params.pending = false; pending.textContent = ''; }
  }
  return { el, update };
}
