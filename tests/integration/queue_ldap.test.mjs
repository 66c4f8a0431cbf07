// queue_ldap.test.mjs: clerk sign-in with the county's directory (store/ldap_auth.h,
// store/clerks_ldap.h) against a real OpenLDAP slapd started here (tests/lib/slapd.mjs): display
// name and offices from the directory, group changes at the next sign-in, local accounts checked
// locally (also when the directory knows the login), disabled clerks stay out, the login limits
// apply unchanged, filter injection and empty passwords never reach a bind, and a directory that
// hangs or is gone answers `unavailable` within its timeout while local logins keep working;
// StartTLS and ldaps:// verify the directory's certificate.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, cli, QueueService } from '../lib/queue.mjs';
import { Slapd } from '../lib/slapd.mjs';

const SUFFIX = 'dc=landkreis,dc=test';
const PEOPLE = `ou=people,${SUFFIX}`;
const GROUPS = `ou=groups,${SUFFIX}`;
const SERVICE_DN = `cn=buergerbuero,ou=services,${SUFFIX}`;
const SERVICE_PW = 'service-account-secret-4711';
const TIMEOUT_S = 2;

const b64 = (s) => Buffer.from(s, 'utf8').toString('base64');
const person = (uid, name, { display } = {}) => `dn: uid=${uid},${PEOPLE}
objectClass: inetOrgPerson
uid: ${uid}
cn: ${name}
sn: ${name.split(' ').at(-1)}
${display ? `displayName:: ${b64(display)}\n` : ''}userPassword: pw-${uid}-dir
`;
const group = (cn, members) => `dn: cn=${cn},${GROUPS}
objectClass: groupOfNames
cn: ${cn}
${members.map((m) => `member: uid=${m},${PEOPLE}`).join('\n')}
`;

const LDIF = [
  `dn: ou=people,${SUFFIX}\nobjectClass: organizationalUnit\nou: people\n`,
  `dn: ou=groups,${SUFFIX}\nobjectClass: organizationalUnit\nou: groups\n`,
  `dn: ou=services,${SUFFIX}\nobjectClass: organizationalUnit\nou: services\n`,
  `dn: ${SERVICE_DN}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\ncn: buergerbuero\nuserPassword: ${SERVICE_PW}\n`,
  person('ayse', 'Ayse Yilmaz', { display: 'Ayşe Yılmaz' }),
  person('bernd', 'Bernd Bauer'),
  person('dora', 'Dora Admin'),
  person('emil', 'Emil Ohnegruppe'),
  person('carla', 'Carla Altamt'),
  person('frida', 'Frida Gesperrt'),
  person('gustav', 'Gustav Rate'),
  person('mueller', 'Mueller Verzeichnis'),
  person('hanna', 'Hanna Leitung'),
  group('buergerbuero-kfz', ['ayse', 'bernd', 'frida', 'gustav', 'mueller']),
  group('buergerbuero-fs', ['bernd']),
  group('buergerbuero-bau', ['bernd']),
  group('buergerbuero-old', ['carla']),     // no such office here
  group('buergerbuero-admins', ['dora']),
  group('buergerbuero-leitung', ['hanna']),  // supervisors; no office group of her own
  group('kantine', ['emil', 'ayse']),       // not ours
].join('\n');

// The service account reads everything, users only authenticate; anonymous sees nothing.
const ACL = [
  'access to attrs=userPassword by anonymous auth by * none',
  `access to * by dn.exact="${SERVICE_DN}" read by * none`,
];

let slapd, stack, svc, localPw, ldapEnv;

before(async () => {
  slapd = await new Slapd({ suffix: SUFFIX }).start(LDIF, { acl: ACL, tls: true });
  ldapEnv = {
    BB_TRUSTED_PROXIES: '127.0.0.1', BB_LOGIN_HASH_THREADS: '1',
    BB_LDAP_URL: slapd.url, BB_LDAP_BIND_DN: SERVICE_DN, BB_LDAP_BIND_PASSWORD: SERVICE_PW,
    BB_LDAP_USER_BASE: PEOPLE, BB_LDAP_GROUP_BASE: GROUPS, BB_LDAP_DISPLAY_ATTR: 'displayName',
    BB_LDAP_ADMIN_GROUP: 'buergerbuero-admins', BB_LDAP_SUPERVISOR_GROUP: 'buergerbuero-leitung', BB_LDAP_TIMEOUT_S: String(TIMEOUT_S),
  };
  stack = await startStack({
    offices: [{ id: 'kfz' }, { id: 'fs' }, { id: 'bau' }],
    clerks: [{ login: 'mueller', name: 'Herr Müller (lokal)', offices: ['fs'] }, { login: 'lokal', offices: ['bau'] }],
    env: ldapEnv,
  });
  svc = stack.svc;
  localPw = stack.passwords;
});

after(async () => {
  await stack?.stop();
  await slapd?.destroy();
});

let nextAddr = 1;
/** A fresh client address per call site, so that the limits of one case do not touch another. */
const freshAddr = () => `198.51.100.${nextAddr++}`;
const login = (name, password, addr) => svc.http('POST', '/api/v1/clerk/login',
  { body: { login: name, password }, headers: { 'x-forwarded-for': addr } });
/** slapd's operation log from here on. */
const logMark = () => { const at = slapd.log.length; return () => slapd.log.slice(at); };

async function metric(name) {
  const r = await svc.http('GET', '/metrics');
  assert.equal(r.status, 200);
  return Number(r.body.match(new RegExp(`^${name.replace(/[{}"]/g, '\\$&')} (\\d+)$`, 'm'))?.[1]);
}

test('a directory user signs in with the name and offices of the directory', async () => {
  const r = await login('ayse', 'pw-ayse-dir', freshAddr());
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.clerk.login, 'ayse');
  assert.equal(r.body.clerk.display_name, 'Ayşe Yılmaz');
  assert.equal(r.body.clerk.role, 'clerk');
  assert.deepEqual(r.body.clerk.offices, ['kfz']);
  const me = await svc.http('GET', '/api/v1/clerk/me', { headers: { authorization: `Bearer ${r.body.token}` } });
  assert.equal(me.status, 200);
  assert.deepEqual(me.body.clerk.offices, ['kfz']);

  const bernd = await login('bernd', 'pw-bernd-dir', freshAddr());
  assert.equal(bernd.status, 200);
  assert.equal(bernd.body.clerk.display_name, 'bernd', 'no displayName in the directory: the login');
  assert.deepEqual(bernd.body.clerk.offices, ['bau', 'fs', 'kfz']);

  const dora = await login('dora', 'pw-dora-dir', freshAddr());
  assert.equal(dora.status, 200);
  assert.equal(dora.body.clerk.role, 'admin');
  assert.deepEqual(dora.body.clerk.offices, ['bau', 'fs', 'kfz'], 'admins act on every office');

  const hanna = await login('hanna', 'pw-hanna-dir', freshAddr());
  assert.equal(hanna.status, 200, 'a supervisor needs no office group');
  assert.equal(hanna.body.clerk.role, 'supervisor');
  assert.deepEqual(hanna.body.clerk.offices, []);
  const overview = await svc.http('GET', '/api/v1/admin/overview', { headers: { authorization: `Bearer ${hanna.body.token}` } });
  assert.equal(overview.status, 200, 'and oversees every office');

  // The rows say where the password is checked, and hold none.
  const rows = stack.pg.psql("SELECT login, auth, password_hash IS NULL FROM clerk ORDER BY login", 'bb');
  assert.match(rows, /^ayse\|ldap\|t$/m);
  assert.match(rows, /^lokal\|local\|f$/m);
  // The service searched as its account, with the login in the filter, then bound as the user.
  assert.match(slapd.log, new RegExp(`BIND dn="${SERVICE_DN}" method=128`));
  assert.match(slapd.log, /SRCH base="ou=people,dc=landkreis,dc=test" scope=2 deref=0 filter="\(uid=ayse\)"/);
  assert.match(slapd.log, /BIND dn="uid=ayse,ou=people,dc=landkreis,dc=test" method=128/);
});

test('wrong passwords are refused like local ones and count toward the same limits', async () => {
  const addr = freshAddr();
  const wrong = await login('gustav', 'not-his-password', addr);
  assert.equal(wrong.status, 401);
  // Same answer as an unknown login and as a local clerk's wrong password.
  assert.deepEqual((await login('nobody', 'x', freshAddr())).body, wrong.body);
  assert.deepEqual((await login('lokal', 'x', freshAddr())).body, wrong.body);
  // 5 free failures per login and address, then blocked: also the right password.
  let blocked;
  for (let i = 0; i < 8 && !blocked; i++) {
    const r = await login('gustav', `guess-${i}`, addr);
    if (r.status === 429) blocked = r;
    else assert.equal(r.status, 401);
  }
  assert.ok(blocked, 'blocked after a few failures');
  assert.equal(blocked.body.error.code, 'rate_limited');
  assert.ok(Number(blocked.headers.get('retry-after')) >= 1);
  const before = slapd.log.length;
  assert.equal((await login('gustav', 'pw-gustav-dir', addr)).status, 429, 'a blocked pair does not even ask');
  assert.doesNotMatch(slapd.log.slice(before), /uid=gustav/);
  // From another address the right password works.
  assert.equal((await login('gustav', 'pw-gustav-dir', freshAddr())).status, 200);
  assert.ok(await metric('bb_ldap_logins_total{result="failed"}') >= 5);
  assert.ok(await metric('bb_ldap_logins_total{result="ok"}') >= 4);
});

test('an empty password is refused without any bind', async () => {
  const since = logMark();
  const r = await login('ayse', '', freshAddr());
  assert.ok(r.status === 400 || r.status === 401, `${r.status} ${JSON.stringify(r.body)}`);
  assert.doesNotMatch(since(), /BIND/);
});

test('filter injection in the login matches nobody', async () => {
  const since = logMark();
  for (const name of ['*', 'a*)(uid=*', '*)(|(uid=*', 'ayse)(uid=*', 'AYSE', 'ayse\\2a']) {
    const r = await login(name, 'pw-ayse-dir', freshAddr());
    assert.equal(r.status, 401, `${name}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  // Such logins can never be a clerk's: they are not even sent to the directory.
  assert.doesNotMatch(since(), /SRCH|BIND dn="uid=/);
});

test('a directory user in no office group gets no session', async () => {
  const emil = await login('emil', 'pw-emil-dir', freshAddr());
  assert.equal(emil.status, 401);
  assert.equal(emil.body.error.code, 'unauthorized');
  // A group of ours that names no office here grants nothing either.
  assert.equal((await login('carla', 'pw-carla-dir', freshAddr())).status, 401);
  assert.equal(stack.pg.psql("SELECT count(*) FROM clerk WHERE login = 'emil'", 'bb'), '0');
});

test('a group change in the directory takes effect at the next sign-in', async () => {
  const first = await login('ayse', 'pw-ayse-dir', freshAddr());
  assert.deepEqual(first.body.clerk.offices, ['kfz']);
  slapd.modify(`dn: cn=buergerbuero-kfz,${GROUPS}
changetype: modify
delete: member
member: uid=ayse,${PEOPLE}

dn: cn=buergerbuero-bau,${GROUPS}
changetype: modify
add: member
member: uid=ayse,${PEOPLE}

dn: cn=buergerbuero-admins,${GROUPS}
changetype: modify
add: member
member: uid=ayse,${PEOPLE}

dn: uid=ayse,${PEOPLE}
changetype: modify
replace: displayName
displayName:: ${b64('Ayşe Yılmaz-Demir')}
`);
  const second = await login('ayse', 'pw-ayse-dir', freshAddr());
  assert.equal(second.status, 200);
  assert.equal(second.body.clerk.role, 'admin');
  assert.equal(second.body.clerk.display_name, 'Ayşe Yılmaz-Demir');
  assert.deepEqual(stack.pg.psql("SELECT string_agg(office_id, ',' ORDER BY office_id) FROM clerk_office "
    + "JOIN clerk ON clerk.id = clerk_id WHERE login = 'ayse'", 'bb'), 'bau');
  // Out of every group: no session any more, and the row keeps no role and no office.
  slapd.modify(`dn: cn=buergerbuero-bau,${GROUPS}
changetype: modify
delete: member
member: uid=ayse,${PEOPLE}

dn: cn=buergerbuero-admins,${GROUPS}
changetype: modify
delete: member
member: uid=ayse,${PEOPLE}
`);
  assert.equal((await login('ayse', 'pw-ayse-dir', freshAddr())).status, 401);
  assert.equal(stack.pg.psql("SELECT role || ':' || (SELECT count(*) FROM clerk_office WHERE clerk_id = c.id) || ':' || "
    + "(SELECT count(*) FROM clerk_session WHERE clerk_id = c.id) FROM clerk c WHERE login = 'ayse'", 'bb'), 'clerk:0:0');
  const stale = await svc.http('GET', '/api/v1/clerk/me', { headers: { authorization: `Bearer ${second.body.token}` } });
  assert.equal(stale.status, 401, 'its sessions ended');
});

test('a directory clerk disabled here stays out', async () => {
  assert.equal((await login('frida', 'pw-frida-dir', freshAddr())).status, 200);
  const r = cli(stack.url, ['clerk', 'disable', 'frida']);
  assert.equal(r.status, 0, r.stderr);
  const again = await login('frida', 'pw-frida-dir', freshAddr());
  assert.equal(again.status, 401);
  assert.equal(stack.pg.psql("SELECT disabled FROM clerk WHERE login = 'frida'", 'bb'), 't');
});

test('a local account is checked locally, also when the directory knows its login', async () => {
  const ok = await login('mueller', localPw.mueller, freshAddr());
  assert.equal(ok.status, 200);
  assert.equal(ok.body.clerk.display_name, 'Herr Müller (lokal)');
  assert.deepEqual(ok.body.clerk.offices, ['fs']);
  const since = logMark();
  const dir = await login('mueller', 'pw-mueller-dir', freshAddr());
  assert.equal(dir.status, 401, 'the directory password does not open a local account');
  assert.doesNotMatch(since(), /uid=mueller/, 'not even asked');
  assert.equal(stack.pg.psql("SELECT auth || ':' || display_name FROM clerk WHERE login = 'mueller'", 'bb'),
    'local:Herr Müller (lokal)');
  assert.equal((await login('lokal', localPw.lokal, freshAddr())).status, 200);
});

test('clerk passwd turns a directory clerk into a local one', async () => {
  assert.equal((await login('dora', 'pw-dora-dir', freshAddr())).status, 200);
  const r = cli(stack.url, ['clerk', 'passwd', 'dora'], { input: 'local-password-of-dora\n' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(stack.pg.psql("SELECT auth FROM clerk WHERE login = 'dora'", 'bb'), 'local');
  const local = await login('dora', 'local-password-of-dora', freshAddr());
  assert.equal(local.status, 200);
  assert.equal(local.body.clerk.role, 'admin', 'role and offices stay as last copied');
  assert.equal((await login('dora', 'pw-dora-dir', freshAddr())).status, 401);
});

test('StartTLS and ldaps:// verify the directory against the configured CA', async () => {
  const variants = [
    { env: { BB_LDAP_STARTTLS: '1', BB_LDAP_CA_FILE: slapd.tls.ca }, status: 200 },
    { env: { BB_LDAP_URL: slapd.ldapsUrl, BB_LDAP_CA_FILE: slapd.tls.ca }, status: 200 },
    // The system's CAs do not know the county's (here: the test's) CA: no password is sent.
    { env: { BB_LDAP_URL: slapd.ldapsUrl }, status: 503 },
    { env: { BB_LDAP_STARTTLS: '1' }, status: 503 },
  ];
  for (const { env, status } of variants) {
    const other = await new QueueService(stack.url, { ...ldapEnv, ...env }).start();
    try {
      const since = logMark();
      const r = await other.http('POST', '/api/v1/clerk/login',
        { body: { login: 'bernd', password: 'pw-bernd-dir' }, headers: { 'x-forwarded-for': freshAddr() } });
      assert.equal(r.status, status, `${JSON.stringify(env)}: ${JSON.stringify(r.body)}`);
      if (status === 200) assert.equal(r.body.clerk.login, 'bernd');
      else assert.doesNotMatch(since(), /BIND dn=/, 'nothing sent over an unverified connection');
      if (env.BB_LDAP_STARTTLS) assert.match(since(), /EXT oid=1\.3\.6\.1\.4\.1\.1466\.20037/);   // StartTLS
      assert.match(other.log, /directory sign-in url="ldaps?:\/\/127\.0\.0\.1:\d+" tls=yes/);
      assert.doesNotMatch(other.log, /directory without TLS/);
    } finally {
      await other.stop();
    }
  }
});

test('a hanging directory answers unavailable within its timeout; local logins keep working', async () => {
  slapd.pause();
  try {
    const started = Date.now();
    const [dir, local] = await Promise.all([
      login('bernd', 'pw-bernd-dir', freshAddr()),
      login('lokal', localPw.lokal, freshAddr()),
    ]);
    const took = Date.now() - started;
    assert.equal(dir.status, 503, JSON.stringify(dir.body));
    assert.equal(dir.body.error.code, 'unavailable');
    assert.match(dir.body.error.message, /directory/);
    assert.ok(took < (TIMEOUT_S * 2 + 3) * 1000, `answered after ${took} ms`);
    assert.equal(local.status, 200, 'the local login behind it was checked');
    // Right after, directory logins are answered at once, without waiting for it again.
    const t0 = Date.now();
    const quick = await login('bernd', 'pw-bernd-dir', freshAddr());
    assert.equal(quick.status, 503);
    assert.ok(Number(quick.headers.get('retry-after')) >= 1);
    assert.ok(Date.now() - t0 < TIMEOUT_S * 1000, `answered after ${Date.now() - t0} ms`);
    assert.equal((await login('lokal', localPw.lokal, freshAddr())).status, 200);
  } finally {
    slapd.resume();
  }
});

test('a stopped directory answers unavailable at once; it is asked again when it is back', async () => {
  await slapd.stop();
  // Wait out the pause after the hang of the previous case: the next login asks the directory.
  let r;
  const until = Date.now() + (TIMEOUT_S + 5) * 1000;
  do {
    r = await login('bernd', 'pw-bernd-dir', freshAddr());
    assert.equal(r.status, 503, JSON.stringify(r.body));
    if (!r.headers.get('retry-after')) break;   // this one went to the (stopped) directory
    await new Promise((res) => setTimeout(res, 200));
  } while (Date.now() < until);
  assert.equal(r.headers.get('retry-after'), null, 'a login that asked the directory');
  assert.equal((await login('lokal', localPw.lokal, freshAddr())).status, 200);
  assert.ok(await metric('bb_ldap_logins_total{result="unavailable"}') >= 3);
  // Failed asks cost no limit: the same pair is not blocked when the directory is back.
  await slapd.run();
  let back;
  for (let i = 0; i < (TIMEOUT_S + 5) * 5 && back?.status !== 200; i++) {
    if (back) await new Promise((res) => setTimeout(res, 200));
    back = await login('bernd', 'pw-bernd-dir', '203.0.113.77');
  }
  assert.equal(back.status, 200, JSON.stringify(back.body));
});

test('no password and no service secret in the service log', () => {
  for (const secret of [SERVICE_PW, 'pw-ayse-dir', 'pw-bernd-dir', 'pw-mueller-dir', localPw.mueller]) {
    assert.ok(!svc.log.includes(secret), 'a secret in the log');
  }
  assert.match(svc.log, /directory sign-in url="ldap:\/\/127\.0\.0\.1:\d+" tls=no/);
  assert.match(svc.log, /directory unavailable reason=/);
  assert.match(svc.log, /login clerk=\d+ net=198\.51\.100\.0 auth=ldap/);
});
