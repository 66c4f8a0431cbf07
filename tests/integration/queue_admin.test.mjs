// queue_admin.test.mjs: the administration API (offices, clerks, audit log) against a real queue
// service and PostgreSQL: every route, role checks (anonymous 401, clerk and supervisor 403),
// validation errors naming the field, nothing half-changed after a refusal, audit entries written
// in the same transaction as the change (a failing audit insert takes the change back), the CLI
// writing through the same code, and what citizens see afterwards (order, closure, check-in window).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import { startStack, cli, sleep, waitOffice } from '../lib/queue.mjs';

let stack, svc, tok;

const q = (sql) => stack.pg.psql(sql, 'bb').trim();
const auth = (t) => (t ? { authorization: `Bearer ${t}` } : {});
const api = (method, p, who, body) => svc.http(method, p, { headers: auth(tok[who]), body });
const auditCount = () => Number(q('SELECT count(*) FROM audit_log'));

before(async () => {
  stack = await startStack({
    offices: [{ id: 'kfz', prefix: 'KFZ' }],
    clerks: [{ login: 'chefin', role: 'admin' }, { login: 'aufsicht', role: 'supervisor', offices: ['kfz'] },
      { login: 'mueller', offices: ['kfz'] }],
  });
  svc = stack.svc;
  tok = { anon: null };
  for (const l of ['chefin', 'aufsicht', 'mueller']) tok[l] = await svc.login(l, stack.passwords[l]);
});

after(async () => { if (stack) await stack.stop(); });

const ROUTES = [
  ['GET', '/api/v1/admin/offices'], ['POST', '/api/v1/admin/offices', { id: 'x', name_de: 'x', name_en: 'x', ticket_prefix: 'X' }],
  ['GET', '/api/v1/admin/offices/kfz'], ['PATCH', '/api/v1/admin/offices/kfz', { capacity: 1 }],
  ['GET', '/api/v1/admin/clerks'], ['POST', '/api/v1/admin/clerks', { login: 'y', display_name: 'Y' }],
  ['GET', '/api/v1/admin/clerks/mueller'], ['PATCH', '/api/v1/admin/clerks/mueller', { disabled: true }],
  ['GET', '/api/v1/admin/audit'],
];

test('every admin route: anonymous 401, clerk and supervisor 403, and nothing changes', async () => {
  const n = auditCount();
  for (const [method, p, body] of ROUTES) {
    for (const [who, status] of [['anon', 401], ['mueller', 403], ['aufsicht', 403]]) {
      const r = await api(method, p, who, body);
      assert.equal(r.status, status, `${who} ${method} ${p}: ${JSON.stringify(r.body)}`);
    }
  }
  assert.equal(auditCount(), n);
  assert.equal(q("SELECT capacity FROM office WHERE id = 'kfz'"), '50');
  assert.equal(q("SELECT disabled FROM clerk WHERE login = 'mueller'"), 'f');
});

test('create an office with everything, see it in the admin view, the public list and the audit log', async () => {
  const body = {
    id: 'buergeramt', name_de: 'Bürgeramt Süd', name_en: 'Citizens’ office south', description_de: 'Пасо, أوراق, İşlem',
    ticket_prefix: 'BA', capacity: 40, sort_order: -5, timezone: 'Europe/Berlin', no_show_timeout_s: 90, grace_s: 60,
    hours: 'daily 00:00-24:00', day_exceptions: ['2099-12-24', '2099-12-31 08:00-12:00,13:00-14:00'],
    slot_min: 30, slot_capacity: 2, horizon_days: 14, lead_s: 0, share_permille: 1000,
    checkin_before_s: 1800, checkin_after_s: 600, blocked_days: ['2099-01-02'],
  };
  const r = await api('POST', '/api/v1/admin/offices', 'chefin', body);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const v = r.body.office;
  for (const [k, val] of Object.entries(body)) {
    if (k === 'hours') assert.equal(v.hours, 'mon 00:00-24:00; tue 00:00-24:00; wed 00:00-24:00; thu 00:00-24:00; fri 00:00-24:00; sat 00:00-24:00; sun 00:00-24:00');
    else assert.deepEqual(v[k], val, k);
  }
  assert.equal(v.closure_until, null);
  const got = await api('GET', '/api/v1/admin/offices/buergeramt', 'chefin');
  assert.deepEqual(got.body.office, v, 'GET answers what POST answered');
  const list = await api('GET', '/api/v1/admin/offices', 'chefin');
  assert.deepEqual(list.body.offices.map((o) => o.id), ['buergeramt', 'kfz'], 'sort_order first');

  const a = JSON.parse(q("SELECT json_build_object('actor', actor, 'actor_id', actor_id, 'action', action, 'target', target, " +
    "'detail', detail) FROM audit_log WHERE target = 'buergeramt'"));
  assert.equal(a.actor, 'chefin');
  assert.equal(a.actor_id, Number(q("SELECT id FROM clerk WHERE login = 'chefin'")));
  assert.equal(a.action, 'office.create');
  assert.equal(a.detail.capacity, 40);

  // the public view learns the office through NOTIFY bb_config; the widget sorts by sort_order
  const pub = await waitOffice(svc, 'buergeramt', (o) => o.sort_order === -5);
  assert.equal(pub.name.de, 'Bürgeramt Süd');
});

test('validation: the field is named, nothing is written, no audit entry', async () => {
  const n = auditCount();
  const base = { id: 'neu', name_de: 'Neu', name_en: 'New', ticket_prefix: 'NEU' };
  const cases = [
    [{ ...base, name_de: undefined }, 400, 'name_de'],
    [{ ...base, name_de: 'Ж'.repeat(121) }, 413, 'name_de'],
    [{ ...base, name_de: 'a\u0007b' }, 400, 'name_de'],
    [{ ...base, ticket_prefix: 'kfz' }, 400, 'ticket_prefix'],
    [{ ...base, id: 'Neu Amt' }, 400, 'id'],
    [{ ...base, hours: 'monday 8-12' }, 400, 'hours'],
    [{ ...base, timezone: 'Mars/Olympus' }, 400, 'timezone'],
    [{ ...base, capacity: -1 }, 400, 'capacity'],
    [{ ...base, capacity: '5' }, 400, 'capacity'],
    [{ ...base, slot_min: 1 }, 400, 'slot_min'],
    [{ ...base, day_exceptions: ['2099-02-30'] }, 400, 'day_exceptions'],
    [{ ...base, day_exceptions: ['2099-05-01', '2099-05-01 08:00-09:00'] }, 400, 'day_exceptions'],
    [{ ...base, blocked_days: ['tomorrow'] }, 400, 'blocked_days'],
    [{ ...base, closure_until: '2099-01-01 10:00' }, 400, 'closure_until'],
    [{ ...base, id: 'kfz' }, 409, 'id'],
  ];
  for (const [body, status, field] of cases) {
    const r = await api('POST', '/api/v1/admin/offices', 'chefin', body);
    assert.equal(r.status, status, `${JSON.stringify(body).slice(0, 80)}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.error.field, field, JSON.stringify(r.body));
  }
  assert.equal((await api('PATCH', '/api/v1/admin/offices/nope', 'chefin', { capacity: 3 })).status, 404);
  assert.equal((await svc.http('PATCH', '/api/v1/admin/offices/kfz', { headers: auth(tok.chefin), raw: 'not json' })).status, 400);
  assert.equal(q("SELECT count(*) FROM office WHERE id = 'neu'"), '0');
  assert.equal(auditCount(), n, 'refused changes leave no audit entry');
});

test('the audit entry is part of the change: when it cannot be written, the change is taken back', async () => {
  q(`CREATE FUNCTION test_audit_fails() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN RAISE EXCEPTION 'audit refused by the test'; END $$;
     CREATE TRIGGER test_audit_fails BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION test_audit_fails();`);
  try {
    const r = await api('PATCH', '/api/v1/admin/offices/kfz', 'chefin', { capacity: 7, hours: 'mon 08:00-09:00' });
    assert.ok(r.status >= 500, JSON.stringify(r.body));
    const c = await api('PATCH', '/api/v1/admin/clerks/mueller', 'chefin', { disabled: true });
    assert.ok(c.status >= 500, JSON.stringify(c.body));
  } finally {
    q('DROP TRIGGER test_audit_fails ON audit_log; DROP FUNCTION test_audit_fails()');
  }
  assert.equal(q("SELECT capacity FROM office WHERE id = 'kfz'"), '50');
  assert.equal(q("SELECT count(*) FROM office_hours WHERE office_id = 'kfz'"), '7', 'hours untouched');
  assert.equal(q("SELECT disabled FROM clerk WHERE login = 'mueller'"), 'f');
  assert.equal(q("SELECT count(*) FROM office_hours WHERE office_id = 'kfz' AND weekday = 1 AND open_min = 480"), '0');
});

test('temporary closure: citizens see closed with the message, until it is lifted', async () => {
  const until = new Date(Date.now() + 3600e3).toISOString().replace(/\.\d+Z$/, 'Z');
  const r = await api('PATCH', '/api/v1/admin/offices/kfz', 'chefin',
    { closure_until: until, closure_message_de: 'Wasserschaden – heute geschlossen.', closure_message_en: 'Water damage – closed today.' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.office.closure_until, until);
  const pub = await waitOffice(svc, 'kfz', (o) => o.status === 'closed');
  assert.equal(pub.closed_reason, 'closure');
  assert.equal(pub.closure.message.de, 'Wasserschaden – heute geschlossen.');
  assert.equal(pub.closure.until, until);
  assert.equal(pub.next_opening, until, 'open around the clock: it opens when the closure ends');
  const lift = await api('PATCH', '/api/v1/admin/offices/kfz', 'chefin', { closure_until: '' });
  assert.equal(lift.body.office.closure_until, null);
  const back = await waitOffice(svc, 'kfz', (o) => o.closed_reason !== 'closure');
  assert.equal(back.closure, null);
});

test('clerks: create with a password shown once, supervisor role, offices, reset, disable, enable', async () => {
  const bad = await api('POST', '/api/v1/admin/clerks', 'chefin', { login: 'neu', display_name: 'N', offices: ['nope'] });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.field, 'offices');
  assert.equal(q("SELECT count(*) FROM clerk WHERE login = 'neu'"), '0', 'no half-made clerk');
  assert.equal((await api('POST', '/api/v1/admin/clerks', 'chefin', { login: 'Neu!', display_name: 'N' })).body.error.field, 'login');
  assert.equal((await api('POST', '/api/v1/admin/clerks', 'chefin', { login: 'mueller', display_name: 'N' })).status, 409);

  const r = await api('POST', '/api/v1/admin/clerks', 'chefin',
    { login: 'yilmaz', display_name: 'Ayşe Yılmaz', role: 'supervisor', offices: ['kfz', 'buergeramt'] });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.clerk.role, 'supervisor');
  assert.deepEqual(r.body.clerk.offices, ['buergeramt', 'kfz']);
  assert.equal(r.body.clerk.presence, 'offline');
  assert.match(r.body.password, /^.{16}$/);
  const first = await svc.login('yilmaz', r.body.password);
  const again = await api('GET', '/api/v1/admin/clerks/yilmaz', 'chefin');
  assert.equal(again.body.password, undefined, 'the password is shown once');

  const reset = await api('PATCH', '/api/v1/admin/clerks/yilmaz', 'chefin', { reset_password: true, display_name: 'A. Yılmaz' });
  assert.equal(reset.status, 200, JSON.stringify(reset.body));
  assert.notEqual(reset.body.password, r.body.password);
  assert.equal(reset.body.clerk.display_name, 'A. Yılmaz');
  await sleep(2100);   // a verified session is trusted for 2 s (store/clerks.c)
  assert.equal((await svc.http('GET', '/api/v1/clerk/me', { headers: auth(first) })).status, 401, 'reset ends sessions');
  const second = await svc.login('yilmaz', reset.body.password);

  const off = await api('PATCH', '/api/v1/admin/clerks/yilmaz', 'chefin', { disabled: true, offices: ['kfz'] });
  assert.equal(off.body.clerk.disabled, true);
  assert.deepEqual(off.body.clerk.offices, ['kfz']);
  await sleep(2100);
  assert.equal((await svc.http('GET', '/api/v1/clerk/me', { headers: auth(second) })).status, 401);
  assert.equal((await svc.http('POST', '/api/v1/clerk/login', { body: { login: 'yilmaz', password: reset.body.password } })).status, 401);
  const on = await api('PATCH', '/api/v1/admin/clerks/yilmaz', 'chefin', { disabled: false });
  assert.equal(on.body.clerk.disabled, false);
  await svc.login('yilmaz', reset.body.password);

  // no lock-out by one click
  const self = await api('PATCH', '/api/v1/admin/clerks/chefin', 'chefin', { disabled: true });
  assert.equal(self.status, 409);
  assert.equal(self.body.error.field, 'disabled');
  assert.equal((await api('PATCH', '/api/v1/admin/clerks/chefin', 'chefin', { role: 'clerk' })).status, 409);
  assert.equal((await api('PATCH', '/api/v1/admin/clerks/nobody', 'chefin', { disabled: true })).status, 404);

  const list = await api('GET', '/api/v1/admin/clerks', 'chefin');
  assert.deepEqual(list.body.clerks.map((c) => c.login), ['aufsicht', 'chefin', 'mueller', 'yilmaz']);
  const log = q("SELECT string_agg(detail::text, ' ') FROM audit_log WHERE target = 'yilmaz'");
  assert.ok(!log.includes(r.body.password) && !log.includes(reset.body.password), 'no password in the audit log');
  assert.match(log, /"password_set": true/);
  assert.doesNotMatch(svc.log, new RegExp(`${r.body.password}|${reset.body.password}`), 'passwords never logged');
});

test('audit log: newest first, filters, paging, and CLI changes appear as cli:<user>', async () => {
  const r = cli(stack.url, ['office', 'edit', '--id', 'kfz', '--capacity', '33', '--closed', '2099-06-01']);
  assert.equal(r.status, 0, r.stderr);
  const all = await api('GET', '/api/v1/admin/audit', 'chefin');
  assert.equal(all.status, 200);
  const e = all.body.entries;
  assert.ok(e.length >= 6);
  assert.deepEqual(e.map((x) => x.id), [...e.map((x) => x.id)].sort((a, b) => b - a), 'newest first');
  assert.equal(e[0].actor, `cli:${os.userInfo().username}`);
  assert.equal(e[0].action, 'office.update');
  assert.deepEqual(e[0].detail.day_exceptions, ['2099-06-01']);
  assert.equal(q("SELECT capacity FROM office WHERE id = 'kfz'"), '33');

  const clerkOnly = await api('GET', '/api/v1/admin/audit?action=clerk.update&target=yilmaz', 'chefin');
  assert.ok(clerkOnly.body.entries.length >= 3);
  assert.ok(clerkOnly.body.entries.every((x) => x.action === 'clerk.update' && x.target === 'yilmaz'));
  const page1 = await api('GET', '/api/v1/admin/audit?limit=2', 'chefin');
  assert.equal(page1.body.entries.length, 2);
  const page2 = await api('GET', `/api/v1/admin/audit?limit=2&before=${page1.body.next_before}`, 'chefin');
  assert.deepEqual(page2.body.entries.map((x) => x.id), e.slice(2, 4).map((x) => x.id));
  const today = new Date().toISOString().slice(0, 10);
  const ranged = await api('GET', `/api/v1/admin/audit?from=${today}&to=${today}&actor=chefin`, 'chefin');
  assert.ok(ranged.body.entries.length >= 1 && ranged.body.entries.every((x) => x.actor === 'chefin'));
  for (const bad of ['from=yesterday', 'limit=0', 'limit=501', 'before=-3', `actor=${'x'.repeat(600)}`]) {
    assert.equal((await api('GET', `/api/v1/admin/audit?${bad}`, 'chefin')).status, 400, bad);
  }
});

test('an office check-in window set by the admin is the one appointments get', async () => {
  const slots = (await svc.http('GET', '/api/v1/offices/buergeramt/slots?days=3')).body;
  assert.ok(slots.slots && slots.slots.length > 0, JSON.stringify(slots));
  const start = slots.slots[0].start;
  const b = await svc.http('POST', '/api/v1/appointments', { body: { office: 'buergeramt', start, name: 'Олена' } });
  assert.equal(b.status, 201, JSON.stringify(b.body));
  const at = Date.parse(b.body.start);
  assert.equal(Date.parse(b.body.checkin_from), at - 1800e3);
  assert.equal(Date.parse(b.body.checkin_until), at + 600e3);
});
