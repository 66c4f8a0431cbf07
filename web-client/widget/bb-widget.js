// Entry point of the citizen widget: the <bb-offices> custom element (shadow DOM), its view state
// machine and the wiring between views, the REST/live API and the Janus citizen flow.
import { translator, normaliseLang } from './i18n/index.js';
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
    this.t = translator(this.getAttribute('lang') || document.documentElement.lang);
    this.config = {
      api: apiBase(this.getAttribute('api')),
      // null: ask the queue service (GET /api/v1/config) before the first Janus connection
      janus: this.getAttribute('janus') || null,
      iceServers: parseIceServers(this.getAttribute('ice-servers')),
      offices: (this.getAttribute('offices') || '').split(',').map((s) => s.trim()).filter(Boolean)
    };
    const css = h('link', { rel: 'stylesheet', href: new URL('./bb-widget.css', import.meta.url).href });
    this.langButton = h('button', { type: 'button', class: 'lang', onclick: () => this.switchLang() });
    this.heading = h('h2', { class: 'widget-title' });
    this.main = h('div', { class: 'view' });
    this.section = h('section', { class: 'bb', 'aria-labelledby': 'bb-title' },
      h('header', { class: 'bar' }, this.heading, this.langButton), this.main);
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
    const saved = loadSavedTicket();
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

  // Changing the attribute re-renders through attributeChangedCallback.
  switchLang() {
    this.setAttribute('lang', this.t.lang === 'de' ? 'en' : 'de');
  }

  setLang(value) {
    this.t = translator(normaliseLang(value));
    this.renderChrome();
    this.render(false);
  }

  renderChrome() {
    const t = this.t;
    this.heading.textContent = t('offices.title');
    this.langButton.textContent = t('lang.switch');
    this.langButton.setAttribute('aria-label', t('lang.switchLabel'));
    this.langButton.lang = t.lang === 'de' ? 'en' : 'de';
    this.section.lang = t.lang;
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
