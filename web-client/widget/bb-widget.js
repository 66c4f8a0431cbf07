// Entry point of the citizen widget: the <bb-offices> custom element (shadow DOM), its view state
// machine and the wiring between views, the REST/live API and the Janus citizen flow.
import { translator, normaliseLang, firstOffered, languageName, CITIZEN_LANGUAGES, RTL } from './i18n/index.js';
import { h, replace } from './dom.js';
import { api, apiBase } from './api.js';
import { CitizenFlow, loadSavedTicket } from './citizen.js';
import { officesView } from './views/offices.js';
import { deviceView } from './views/device.js';
import { waitingView } from './views/waiting.js';
import { callView } from './views/call.js';
import { thanksView } from './views/thanks.js';
import { bookingView } from './views/booking.js';
import { checkinView } from './views/checkin.js';

// The citizen's own choice of language in this tab (the language chooser), kept over reloads.
const LANG_KEY = 'bb-widget-lang';

const VIEWS = {
  offices: officesView, device: deviceView, waiting: waitingView, call: callView,
  thanks: thanksView, booking: bookingView, checkin: checkinView
};

// Allowed view changes; "offices" (the overview) is reachable from everywhere.
const TRANSITIONS = {
  offices: ['device', 'booking', 'checkin', 'waiting'],
  device: ['waiting', 'booking', 'device'],
  waiting: ['call', 'booking', 'waiting', 'thanks'],
  call: ['thanks', 'waiting', 'call'],
  thanks: ['waiting'],
  booking: ['booking', 'device', 'checkin'],
  checkin: ['device', 'booking', 'checkin']
};

class BbOffices extends HTMLElement {
  static get observedAttributes() { return ['lang']; }

  constructor() {
    super();
    this.root = this.attachShadow({ mode: 'open' });
    this.view = null;
    this.viewName = null;
    this.params = {};
    this.shared = { offices: [], liveUp: false };
  }

  connectedCallback() {
    if (this.started) return;
    this.started = true;
    this.t = translator(this.initialLang(), CITIZEN_LANGUAGES);
    this.config = {
      api: apiBase(this.getAttribute('api')),
      // null: ask the queue service (GET /api/v1/config) before the first Janus connection
      janus: this.getAttribute('janus') || null,
      iceServers: parseIceServers(this.getAttribute('ice-servers')),
      offices: (this.getAttribute('offices') || '').split(',').map((s) => s.trim()).filter(Boolean)
    };
    const css = h('link', { rel: 'stylesheet', href: new URL('./bb-widget.css', import.meta.url).href });
    this.heading = h('h2', { class: 'widget-title' });
    this.main = h('div', { class: 'view' });
    this.section = h('section', { class: 'bb', 'aria-labelledby': 'bb-title' },
      h('header', { class: 'bar' }, this.heading, this.languageChooser()), this.main);
    this.root.append(css, this.section);
    this.heading.id = 'bb-title';
    // Focus moves into the widget only once the citizen has acted in it (pressed, typed, tabbed
    // in), never on page load: moving it there would scroll the county's page to the widget.
    this.acted = false;
    for (const type of ['pointerdown', 'keydown', 'focusin']) {
      this.addEventListener(type, () => { this.acted = true; }, { capture: true });
    }
    this.flow = new CitizenFlow(this);
    this.renderChrome();
    const code = takeCheckinCode();
    const linked = takeResumeToken();
    if (linked) this.acted = true;   // the citizen followed the link of the callback mail
    // the link's ticket wins over one this tab held: the office comes with the resumed ticket
    const saved = linked ? { resume_token: linked.token, office: linked.office, number: '' } : loadSavedTicket();
    if (saved) {
      this.flow.resume(saved);
    } else if (code) {
      this.acted = true;   // the citizen followed the check-in link of the appointment
      this.go('checkin', { code });
    } else {
      this.go('offices');
    }
  }

  attributeChangedCallback(name, old, value) {
    if (name === 'lang' && this.started && old !== value) this.setLang(value);
  }

  // Which language first: the citizen's own choice in this tab (the chooser); the page's `lang`
  // on <bb-offices> (the county's choice, or the demo's ?lang=); the browser's languages, as the
  // citizen set them up; the page's own language; German.
  initialLang() {
    let chosen = null;
    try { chosen = sessionStorage.getItem(LANG_KEY); } catch { /* storage blocked */ }
    return firstOffered([chosen, this.getAttribute('lang')])
      || firstOffered(navigator.languages || [navigator.language])
      || firstOffered([document.documentElement.lang]) || 'de';
  }

  setLang(value) {
    const lang = normaliseLang(value, CITIZEN_LANGUAGES);
    if (lang === this.t.lang) return;
    this.t = translator(lang, CITIZEN_LANGUAGES);
    this.renderChrome();
    this.render(false);
  }

  // A button that opens the list of languages, each named in itself and marked with its `lang`
  // (a screen reader then reads "Türkçe" in Turkish). Compact at 360 px, and the page changes
  // only when a language is chosen, not while the citizen moves through the list.
  languageChooser() {
    const listId = 'bb-langs';
    this.langToggle = h('button', {
      type: 'button', class: 'lang', 'aria-expanded': 'false', 'aria-controls': listId,
      onclick: () => this.showLanguages(this.langList.hidden)
    });
    this.langButtons = CITIZEN_LANGUAGES.map((lang) => h('button', {
      type: 'button', class: 'lang-choice', lang, dir: RTL.has(lang) ? 'rtl' : 'ltr', 'data-lang': lang,
      onclick: () => this.chooseLanguage(lang)
    }, languageName(lang)));
    this.langList = h('ul', { class: 'langs', id: listId, hidden: true },
      this.langButtons.map((b) => h('li', {}, b)));
    return h('div', {
      class: 'lang-chooser',
      onkeydown: (ev) => {
        if (ev.key === 'Escape' && !this.langList.hidden) { ev.preventDefault(); this.showLanguages(false); this.langToggle.focus(); }
      },
      onfocusout: (ev) => { if (!ev.currentTarget.contains(ev.relatedTarget)) this.showLanguages(false); }
    }, this.langToggle, this.langList);
  }

  showLanguages(open) {
    this.langList.hidden = !open;
    this.langToggle.setAttribute('aria-expanded', String(open));
  }

  // The citizen's choice wins over the page's attribute and is kept for this tab.
  chooseLanguage(lang) {
    try { sessionStorage.setItem(LANG_KEY, lang); } catch { /* storage blocked */ }
    this.showLanguages(false);
    this.setLang(lang);
    this.setAttribute('lang', lang);   // attributeChangedCallback: the same language, nothing to do
    this.langToggle.focus();
  }

  renderChrome() {
    const t = this.t;
    this.heading.textContent = t('offices.title');
    this.langToggle.textContent = t('lang.button', { name: languageName(t.lang) });
    this.langList.setAttribute('aria-label', t('lang.list'));
    for (const b of this.langButtons) {
      if (b.dataset.lang === t.lang) b.setAttribute('aria-current', 'true');
      else b.removeAttribute('aria-current');
    }
    this.section.lang = t.lang;
    this.section.dir = t.dir;
  }

  // The single view-state change function: checks the transition, then renders and moves focus.
  go(name, params = {}) {
    if (!VIEWS[name]) throw new Error(`unknown view ${name}`);
    if (this.viewName && name !== 'offices' && !TRANSITIONS[this.viewName].includes(name)) {
      console.warn(`bb-offices: ignored view change ${this.viewName} → ${name}`);
      return;
    }
    this.viewName = name;
    this.params = params;
    this.render(true);
  }

  render(moveFocus) {
    if (this.view && this.view.destroy) this.view.destroy();
    this.view = VIEWS[this.viewName](this, this.params);
    replace(this.main, this.view.el);
    this.main.dataset.view = this.viewName;
    if (moveFocus && this.acted) {
      const target = this.view.el.querySelector('[data-focus]') || this.view.el.querySelector('h3');
      if (target) {
        if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
        target.focus({ preventScroll: false });
      }
    }
  }

  // Views call this to push new data into the current view without re-rendering (keeps focus).
  update(data) {
    if (this.view && this.view.update) this.view.update(data);
  }

  // The janus attribute wins; otherwise the queue service says where Janus is.
  janusServer() {
    return api.janusUrl(this.config.api, this.config.janus);
  }

  // The ice-servers attribute wins; otherwise ask the queue service before each connection.
  iceServers() {
    return this.config.iceServers ? Promise.resolve(this.config.iceServers) : api.iceServers(this.config.api);
  }

  officeById(id) {
    return this.shared.offices.find((o) => o.id === id) || null;
  }

  disconnectedCallback() {
    if (this.view && this.view.destroy) this.view.destroy();
  }
}

// The appointment's calendar entry links to the page with `#checkin=CODE` (docs/appointments.md):
// the code is taken out of the address at once, so it stays neither in the address bar nor in
// the browser's history.
function takeCheckinCode() {
  const m = /^#checkin=([A-Za-z0-9-]{1,20})$/.exec(location.hash);
  if (!m) return null;
  try { history.replaceState(history.state, '', location.pathname + location.search); } catch { /* sandboxed */ }
  return m[1];
}

// The callback mail links to the page with `?office=ID&resume=TOKEN` (docs/web-client.md): like
// the check-in code, both are taken out of the address at once (the token must not stay in the
// history or be passed on with a copied address).
function takeResumeToken() {
  let params;
  try { params = new URLSearchParams(location.search); } catch { return null; }
  const token = params.get('resume');
  const office = params.get('office');
  if (!token || !/^[0-9a-f]{64}$/.test(token) || !office || !/^[a-z0-9][a-z0-9_-]{0,31}$/.test(office)) return null;
  params.delete('resume');
  params.delete('office');
  const rest = params.toString();
  try { history.replaceState(history.state, '', location.pathname + (rest ? `?${rest}` : '') + location.hash); } catch { /* sandboxed */ }
  return { token, office };
}

// ice-servers attribute: JSON array of RTCIceServer objects (invalid → none); absent → null.
function parseIceServers(value) {
  if (value === null || value === undefined) return null;
  try {
    const list = JSON.parse(value);
    return Array.isArray(list) ? list.filter((s) => s && (typeof s.urls === 'string' || Array.isArray(s.urls))) : [];
  } catch {
    return [];
  }
}

if (!customElements.get('bb-offices')) customElements.define('bb-offices', BbOffices);
